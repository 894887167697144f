using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace IotSquares.Bench.Reporting;

/// <summary>The report as Spectre.Console tables, Markdown and JSON.</summary>
internal static class ReportWriters
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly string[] Headers = ["Scenario", "Figure", "× native", "× floor", "× Python", "Target", "Result"];

    /// <summary>Prints the machine and one table per group.</summary>
    public static void WriteConsole(IAnsiConsole console, BenchReport report)
    {
        var machine = new Grid().AddColumn().AddColumn();
        foreach ((string name, string value) in MachineLines(report))
        {
            machine.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value));
        }

        console.Write(new Panel(machine) { Header = new PanelHeader($"PiSquareBench ({report.Mode} run, preliminary)") });
        foreach (IGrouping<string, BenchRow> group in report.Rows.GroupBy(r => r.Group))
        {
            var table = new Table { Title = new TableTitle(group.Key, new Style(decoration: Decoration.Bold)), Border = TableBorder.Rounded };
            foreach (string header in Headers)
            {
                table.AddColumn(new TableColumn(header) { NoWrap = header != "Scenario" && header != "Figure" && header != "Target" });
            }

            foreach (BenchRow row in group)
            {
                string result = row.Result switch
                {
                    "PASS" => "[green]PASS[/]",
                    "MISS" => "[red]MISS[/]",
                    "ERROR" => "[red bold]ERROR[/]",
                    _ => "—",
                };
                string figure = row.Error is null ? Markup.Escape(row.Figure) : "[red]" + Markup.Escape(Shorten(row.Error, 160)) + "[/]";
                table.AddRow(
                    Markup.Escape(row.Scenario),
                    figure,
                    Markup.Escape(row.NativeText ?? Cell(row.VsNative, row.VsNativeMean)),
                    Markup.Escape(Cell(row.VsFloor, row.VsFloorMean)),
                    Markup.Escape(ReportBuilder.Ratio(row.VsBaseline)),
                    Markup.Escape(row.Target),
                    result);
            }

            console.Write(table);
        }

        foreach (string note in RatioNotes().Concat(report.Notes))
        {
            console.MarkupLine("[grey]" + Markup.Escape("• " + note) + "[/]");
        }
    }

    /// <summary>Markdown: the machine, one table per group, details and notes.</summary>
    public static string ToMarkdown(BenchReport report)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"**Preliminary** ({report.Mode} run; a shared 2-core machine: other agents' builds and tests ran at the same time, so timings are noisy).");
        md.AppendLine();
        md.AppendLine("| Machine | |");
        md.AppendLine("| --- | --- |");
        foreach ((string name, string value) in MachineLines(report))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {EscapeCell(value)} |");
        }

        foreach (IGrouping<string, BenchRow> group in report.Rows.GroupBy(r => r.Group))
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"**{group.Key}**");
            md.AppendLine();
            md.AppendLine("| " + string.Join(" | ", Headers) + " |");
            md.AppendLine("| " + string.Join(" | ", Headers.Select(_ => "---")) + " |");
            foreach (BenchRow row in group)
            {
                string figure = row.Error is null ? row.Figure : "ERROR: " + Shorten(row.Error, 300);
                string result = row.Result is "PASS" or "MISS" or "ERROR" ? $"**{row.Result}**" : row.Result;
                md.AppendLine(CultureInfo.InvariantCulture, $"| {EscapeCell(row.Scenario)} | {EscapeCell(figure)} | {row.NativeText ?? Cell(row.VsNative, row.VsNativeMean)} | {Cell(row.VsFloor, row.VsFloorMean)} | {ReportBuilder.Ratio(row.VsBaseline)} | {EscapeCell(row.Target)} | {result} |");
            }
        }

        List<BenchRow> detailed = [.. report.Rows.Where(r => r.Detail is not null)];
        if (detailed.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Details:");
            md.AppendLine();
            foreach (BenchRow row in detailed)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- `{row.Id}`: {row.Detail}");
            }
        }

        md.AppendLine();
        md.AppendLine("Notes:");
        md.AppendLine();
        foreach (string note in RatioNotes().Concat(report.Notes))
        {
            md.AppendLine("- " + note);
        }

        return md.ToString();
    }

    /// <summary>The whole report as indented JSON.</summary>
    public static string ToJson(BenchReport report) => JsonSerializer.Serialize(report, JsonOptions);

    private static IEnumerable<(string Name, string Value)> MachineLines(BenchReport report)
    {
        yield return ("CPU", string.Create(CultureInfo.InvariantCulture, $"{report.Machine.CpuModel}, {report.Machine.Cores} cores, {report.Machine.MemoryMiB:N0} MiB"));
        yield return ("Kernel", report.Machine.Kernel);
        yield return (".NET", report.Machine.DotNet);
        yield return ("gcc / Python", report.Machine.Gcc + " / " + report.Machine.Python);
        yield return ("Date", report.Machine.Date);
        yield return ("Load average", $"{report.Machine.LoadAtStart} at start, {report.Machine.LoadAtEnd} at end");
        yield return ("Open files", report.Machine.OpenFiles + " (soft/hard)");
        yield return ("Server", $"{report.Server} ({report.ServerConfiguration})");
        yield return ("Native peers", report.NativePeers);
        yield return ("Sizes", report.Sizes);
        yield return ("Run time", string.Create(CultureInfo.InvariantCulture, $"{report.Seconds:0} s"));
    }

    private static IEnumerable<string> RatioNotes()
    {
        yield return "× columns divide this row's figure by the reference's: for round trips and resources lower is better, for squares/s higher is better.";
        yield return "Round trips: ratios are on the median (p50), the mean's ratio in parentheses; PASS/MISS uses the median. Concurrent rows: squares/s ratio, the p99 ratio in parentheses.";
    }

    private static string Cell(double? ratio, double? meanRatio) =>
        ratio is null ? "—" : meanRatio is null ? ReportBuilder.Ratio(ratio) : $"{ReportBuilder.Ratio(ratio)} ({ReportBuilder.Ratio(meanRatio)})";

    private static string EscapeCell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Shorten(string text, int length)
    {
        string line = text.ReplaceLineEndings(" ");
        return line.Length <= length ? line : line[..length] + "…";
    }
}
