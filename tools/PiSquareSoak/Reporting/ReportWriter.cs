using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IotSquares.Soak.Reporting;

/// <summary>Writes the table as it grows, and the report at the end: to the console, as Markdown, as JSON.</summary>
internal static class ReportWriter
{
    private static readonly string[] Columns =
        ["elapsed", "exchanges", "squares verified", "squares/s", "errors", "server RSS MB", "server CPU %", "threads", "fds", "soak CPU %"];

    private static readonly int[] Widths = [8, 10, 16, 10, 7, 13, 12, 7, 6, 10];

    /// <summary>The console table's header.</summary>
    public static string ConsoleHeader()
    {
        var line = new StringBuilder();
        for (int i = 0; i < Columns.Length; i++)
        {
            line.Append(Columns[i].PadLeft(Widths[i])).Append(i < Columns.Length - 1 ? "  " : string.Empty);
        }

        return line.ToString();
    }

    /// <summary>One row of the console table.</summary>
    public static string ConsoleRow(SoakSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        string[] cells = Cells(sample);
        var line = new StringBuilder();
        for (int i = 0; i < cells.Length; i++)
        {
            line.Append(cells[i].PadLeft(Widths[i])).Append(i < cells.Length - 1 ? "  " : string.Empty);
        }

        return line.ToString();
    }

    /// <summary>The summary as Markdown, which also reads well in a terminal.</summary>
    public static string Summary(SoakReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        SoakSummary s = report.Summary;
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');

        Line(Invariant($"- **Result: {Verdict(report.ExitCode)}** (exit code {report.ExitCode}){(report.Interrupted ? ", interrupted before the planned end" : string.Empty)}"));
        Line(Invariant($"- Ran {Elapsed(s.ElapsedSeconds)} with {report.Clients} clients: {s.Exchanges:N0} exchanges (connections), {s.SquaresVerified:N0} of {s.SquaresRequested:N0} squares verified, {s.SquaresPerSecond:N0} squares/s on average (target {RateText(report.Rate)})"));
        Line(Invariant($"- Errors: {s.Errors:N0} failed exchanges{ErrorCodes(report.ErrorsByExitCode)}; reconnects: {s.Reconnects:N0}"));
        if (s.RssMaxMegabytes is not null)
        {
            Line(Invariant($"- Server RSS: idle {Mb(s.RssIdleMegabytes)} MB; under load first {Mb(s.RssFirstMegabytes)}, min {Mb(s.RssMinMegabytes)}, max {Mb(s.RssMaxMegabytes)}, last {Mb(s.RssLastMegabytes)} MB; growth first to last {Signed(s.RssGrowthMegabytes)} MB; trend after warm-up {(s.RssTrendMegabytesPerHour is double trend ? Invariant($"{trend:+0.0;-0.0;0.0} MB/hour") : "n/a (needs 5 minutes of rows after warm-up)")}"));
            Line(Invariant($"- Server CPU: {s.ServerCpuPercent:0.0} % of one core on average; threads at most {s.ServerThreadsMax}; open fds first/last under load {s.ServerOpenFiles}"));
        }
        else
        {
            Line("- Server RSS and CPU: not sampled (no server pid)");
        }

        if (report.ServerLog is { } log)
        {
            string reasons = string.Join(", ", log.CloseReasons.Select(r => Invariant($"{r.Key} {r.Value:N0}")));
            Line(Invariant($"- Server log: {log.Lines:N0} lines, {log.Warnings:N0} warnings, {log.Errors:N0} errors; connections closed: {(reasons.Length > 0 ? reasons : "none logged")}{(log.Path is null ? string.Empty : $" (log: `{log.Path}`)")}"));
        }

        if (report.ServerStop is { } stop)
        {
            Line($"- Server stop: {stop.Describe()}");
        }

        AppendDetails(report, Line);
        return text.ToString();
    }

    // The tables and lists below the summary lines: per profile, the first failed exchanges, the server's first problems.
    private static void AppendDetails(SoakReport report, Action<string> line)
    {
        if (report.Profiles.Count > 0)
        {
            line(string.Empty);
            line("| profile | clients | exchanges | squares verified | errors |");
            line("| --- | ---: | ---: | ---: | ---: |");
            foreach (ProfileSummary p in report.Profiles)
            {
                line(Invariant($"| {p.Profile} | {p.Clients} | {p.Exchanges:N0} | {p.SquaresVerified:N0} | {p.Errors:N0} |"));
            }
        }

        if (report.FirstErrors.Count > 0)
        {
            line(string.Empty);
            line(Invariant($"First {report.FirstErrors.Count} failed exchanges:"));
            line(string.Empty);
            foreach (Load.ErrorRecord e in report.FirstErrors)
            {
                line(Invariant($"- at {Elapsed(e.ElapsedSeconds)}, client {e.Client}, exit {e.ExitCode}: {e.Message} [{e.Exchange}]"));
            }
        }

        if (report.ServerLog is { Problems.Count: > 0 } problems)
        {
            line(string.Empty);
            line("First warnings and errors in the server log:");
            line(string.Empty);
            line("```");
            foreach (string problem in problems.Problems)
            {
                line(problem);
            }

            line("```");
        }
    }

    /// <summary>The whole report as Markdown: settings, the table, the summary.</summary>
    public static string Markdown(SoakReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');

        Line(Invariant($"### Soak: {report.Clients} clients, {report.Minutes:0.##} min, {RateText(report.Rate)}"));
        Line(string.Empty);
        Line(Invariant($"- Started {report.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC; rows every {report.SampleSeconds:0.##} s; seed {report.Seed}"));
        Line(Invariant($"- Server: `{report.Server}`{(report.ServerPid is int pid ? Invariant($" (pid {pid})") : string.Empty)}"));
        Line($"- Machine: {report.Machine}");
        Line(string.Empty);
        Line("| " + string.Join(" | ", Columns) + " |");
        Line("| " + string.Join(" | ", Columns.Select(_ => "---:")) + " |");
        foreach (SoakSample sample in report.Samples)
        {
            Line("| " + string.Join(" | ", Cells(sample)) + " |");
        }

        Line(string.Empty);
        text.Append(Summary(report));
        return text.ToString();
    }

    /// <summary>The whole report as indented JSON.</summary>
    public static string Json(SoakReport report) => JsonSerializer.Serialize(report, SoakJsonContext.Default.SoakReport);

    /// <summary>Writes <paramref name="contents"/> to <paramref name="path"/>, creating its folder.</summary>
    public static async Task WriteFileAsync(string path, string contents)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(path, contents);
    }

    /// <summary>Seconds as h:mm:ss.</summary>
    public static string Elapsed(double seconds)
    {
        var time = TimeSpan.FromSeconds(Math.Round(seconds));
        return Invariant($"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}");
    }

    private static string[] Cells(SoakSample s) =>
    [
        Elapsed(s.ElapsedSeconds),
        Invariant($"{s.Exchanges:N0}"),
        Invariant($"{s.SquaresVerified:N0}"),
        Invariant($"{s.SquaresPerSecond:N0}"),
        Invariant($"{s.Errors:N0}"),
        Mb(s.ServerRssMegabytes),
        s.ServerCpuPercent is double cpu ? Invariant($"{cpu:0.0}") : "-",
        s.ServerThreads?.ToString(CultureInfo.InvariantCulture) ?? "-",
        s.ServerOpenFiles?.ToString(CultureInfo.InvariantCulture) ?? "-",
        s.SoakCpuPercent is double soak ? Invariant($"{soak:0.0}") : "-",
    ];

    private static string Verdict(int exitCode) => exitCode switch
    {
        SoakExitCodes.Success => "PASS",
        SoakExitCodes.Interrupted => "INTERRUPTED",
        _ => "FAIL",
    };

    private static string ErrorCodes(IReadOnlyDictionary<int, long> byExitCode) =>
        byExitCode.Count == 0 ? string.Empty : " (by client exit code: " + string.Join(", ", byExitCode.Select(e => Invariant($"{e.Key}: {e.Value:N0}"))) + ")";

    private static string RateText(double rate) => rate > 0 ? Invariant($"{rate:N0} squares/s") : "unthrottled";

    private static string Mb(double? megabytes) => megabytes is double mb ? Invariant($"{mb:0.0}") : "-";

    private static string Signed(double? megabytes) => megabytes is double mb ? Invariant($"{mb:+0.0;-0.0;0.0}") : "-";

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}

/// <summary>The report's JSON shape, generated at compile time.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SoakReport))]
internal sealed partial class SoakJsonContext : JsonSerializerContext;
