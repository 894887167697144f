using System.Globalization;
using System.Text;
using IotSquares.Integration.Tests.Support;
using static IotSquares.Integration.Tests.Robustness.ByteText;

namespace IotSquares.Integration.Tests.Robustness;

/// <summary>The corpus report: every case, the server's memory and descriptors, its log by level.</summary>
internal static class CorpusReport
{
    public static string Build(
        IReadOnlyList<CaseResult> results,
        IReadOnlyList<(string When, ProcessSample Sample)> samples,
        IReadOnlyDictionary<string, int> logCounts,
        int exitCode,
        TimeSpan elapsed)
    {
        var text = new StringBuilder();
        CultureInfo c = CultureInfo.InvariantCulture;
        text.AppendLine("# Robustness: the bad-input corpus against PiSquareServer");
        text.AppendLine();
        text.AppendLine(c, $"Server: `dotnet PiSquareServer.dll --port <free> --bind 127.0.0.1 {string.Join(' ', Corpus.ServerOptions)}`, a process of its own.");
        text.AppendLine(c, $"Run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {elapsed.TotalSeconds:F1} s, {results.Count(r => r.Passed)} of {results.Count} cases passed; after every case a normal client (5 squares) was served.");
        text.AppendLine();
        text.AppendLine("| # | case | sent | expected reply | server replied | ok | ms |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        for (int i = 0; i < results.Count; i++)
        {
            CaseResult r = results[i];
            string replied = Show(Bytes(r.Observed.Reply)) + (r.Observed.Closed ? " + close" : " (not closed)") +
                (r.Observed.Note is null ? string.Empty : $" ({r.Observed.Note})");
            text.AppendLine(c, $"| {i + 1} | {Cell(r.Name)} | {Cell(r.Sent)} | {Cell(Show(Bytes(r.Expected)))} | {Cell(replied)} | {(r.Passed ? "yes" : "**NO**: " + Cell(r.Problem ?? string.Empty))} | {r.Elapsed.TotalMilliseconds:F0} |");
        }

        text.AppendLine();
        text.AppendLine("## Server memory and descriptors (/proc/<pid>/status, /proc/<pid>/fd)");
        text.AppendLine();
        text.AppendLine("| when | VmRSS | VmHWM (peak) | threads | open fds | of which sockets |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach ((string when, ProcessSample s) in samples)
        {
            text.AppendLine(c, $"| {when} | {s.RssKiB / 1024.0:F1} MiB | {s.PeakRssKiB / 1024.0:F1} MiB | {s.Threads} | {s.OpenFiles} | {s.Sockets} |");
        }

        ProcessSample first = samples[0].Sample;
        ProcessSample end = samples[^1].Sample;
        text.AppendLine();
        text.AppendLine(c, $"Growth over the corpus, once every connection was closed: {(end.RssKiB - first.RssKiB) / 1024.0:F1} MiB (bound: {CorpusMemoryTests.RssGrowthBoundKiB / 1024} MiB). Exit code after SIGTERM: {exitCode}.");
        text.AppendLine();
        text.AppendLine("## Server log, lines by level and category");
        text.AppendLine();
        foreach ((string key, int count) in logCounts.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.AppendLine(c, $"- `{key}`: {count}");
        }

        return text.ToString();
    }

    /// <summary>
    /// Writes the report to <c>$IOTSQUARES_REPORT_DIR/robustness-report.md</c>, or else to
    /// <c>artifacts/test-reports/robustness-report.md</c> in the repository, where CI prints it from.
    /// </summary>
    public static string Write(string report)
    {
        string? directory = Environment.GetEnvironmentVariable("IOTSQUARES_REPORT_DIR");
        if (string.IsNullOrWhiteSpace(directory))
        {
            directory = Path.Combine(RepositoryRoot(), "artifacts", "test-reports");
        }

        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "robustness-report.md");
        File.WriteAllText(path, report);
        return path;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "IotSquares.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("IotSquares.sln not found above " + AppContext.BaseDirectory + "; set IOTSQUARES_REPORT_DIR");
    }
}
