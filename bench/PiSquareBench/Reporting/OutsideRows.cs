using System.Globalization;

namespace IotSquares.Bench.Reporting;

/// <summary>
/// The lockstep rows as a user experiences them (issue 12; scenarios in BenchRunner.Outside.cs): time per
/// round trip from whole runs, ours ÷ the C peer's of the same round, judged on the median of those
/// per-round ratios, with their min–max as the noise band. The same rows as scripts/bench_outside.py's
/// lockstep group, measured inside the tool's interleaved rounds.
/// </summary>
internal static class OutsideRows
{
    /// <summary>The four rows, ours against the blocking C peer (≤ 1.0×) and against the busy-polling floor (≤ 1.5×).</summary>
    public static IEnumerable<BenchRow> Build(Measurements m)
    {
        yield return Row(m, "lockstep.outside.server", "lockstep.outside.native",
            "C blocking client (total time only) → OUR server · textbook [÷ C blocking server, as a user]", floor: false);
        yield return Row(m, "lockstep.outside.server.busy", "lockstep.outside.floor",
            "C busy-poll client (total time only) → OUR server · textbook [÷ the C busy-poll pair, the floor]", floor: true);
        yield return Row(m, "lockstep.outside.cli", "lockstep.outside.cclient",
            "OUR client CLI, a process (wall time, 2 counts) → C blocking server · textbook [÷ the C client as a process]", floor: false);
        yield return Row(m, "lockstep.outside.cli.busy", "lockstep.outside.cclient.busy",
            "OUR client CLI, a process (wall time, 2 counts) → C busy-poll server · textbook [÷ the C busy-poll client as a process, the floor]", floor: true);
    }

    private static BenchRow Row(Measurements m, string id, string referenceId, string scenario, bool floor)
    {
        double limit = floor ? 1.5 : 1.0;
        string target = string.Create(CultureInfo.InvariantCulture, $"≤ {limit:0.0}× {(floor ? "floor" : "native")} (median of rounds)");
        if (!m.RunRates.TryGetValue(id, out double[]? ours) || !m.RunRates.TryGetValue(referenceId, out double[]? reference) || ours.Length != reference.Length)
        {
            string error = m.Errors.GetValueOrDefault(id) ?? m.Errors.GetValueOrDefault(referenceId) ?? "not measured";
            return new BenchRow { Group = ReportBuilder.Lockstep, Id = id, Scenario = scenario, Figure = "—", Unit = "µs", Target = target, Error = error };
        }

        // Rates per round: our time ÷ the reference's time is the reference's rate ÷ ours.
        double[] ratios = [.. ours.Zip(reference, static (o, r) => r / o)];
        double median = Statistic.Median(ratios);
        double usOurs = 1e6 / Statistic.Median(ours);
        double usReference = 1e6 / Statistic.Median(reference);
        string band = string.Create(CultureInfo.InvariantCulture, $"{median:0.00}× ({ratios.Min():0.00}–{ratios.Max():0.00})");
        return new BenchRow
        {
            Group = ReportBuilder.Lockstep,
            Id = id,
            Scenario = scenario,
            Figure = string.Create(CultureInfo.InvariantCulture, $"{usOurs:0.0} µs per round trip (C {usReference:0.0} µs) · ratio {band}"),
            Value = usOurs,
            Unit = "µs",
            NativeId = floor ? null : referenceId,
            VsNative = floor ? null : median,
            NativeText = floor ? null : band,
            FloorId = floor ? referenceId : null,
            VsFloor = floor ? median : null,
            Target = target,
            Pass = median <= limit,
            Detail = string.Create(CultureInfo.InvariantCulture, $"ratio per round {string.Join(", ", ratios.Select(r => r.ToString("0.000", CultureInfo.InvariantCulture)))}"),
        };
    }
}
