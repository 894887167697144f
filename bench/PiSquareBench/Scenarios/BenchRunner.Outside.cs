using IotSquares.Bench.Load;
using IotSquares.Bench.Machine;
using IotSquares.Bench.Processes;

namespace IotSquares.Bench.Scenarios;

/// <summary>
/// The lockstep rows "as a user runs them" (issue 12), in the lockstep group's rounds: the server against
/// a C client that keeps no per-round-trip bookkeeping (<c>--total-only</c>, its own total time), and the
/// client CLI as a process against the C client as a process, each timed from start to exit at two counts
/// so that start-up cancels out. The per-sample rows above judge a round trip's median; these judge what a
/// user waits for in all, including every wake-up and preemption. Each run's figure is squares per second
/// (Pool without ticks), so the report pairs ours with C round by round.
/// </summary>
internal sealed partial class BenchRunner
{
    /// <summary>The short of the two counts; the long one is this plus a lockstep run's count, and at least <see cref="MinExtra"/> more.</summary>
    private const int ShortCount = 1000;

    // A process start varies by tenths of a second on a loaded machine: the difference must be well above that.
    private const int MinExtra = 20_000;

    private void AddOutsideScenarios(List<Scenario> scenarios, RunningServer? block, RunningServer? busy, RunningServer? ours, CancellationToken cancellationToken)
    {
        if (ours is not null)
        {
            scenarios.Add(TotalOnly("lockstep.outside.server", ours, busy: false));
            scenarios.Add(TotalOnly("lockstep.outside.server.busy", ours, busy: true));
        }

        string? client = _settings.ClientPath is { } given ? Path.GetFullPath(given) : Locations.FindClient();
        foreach ((RunningServer? server, bool polling) in new[] { (block, false), (busy, true) })
        {
            if (server is null)
            {
                continue;
            }

            string suffix = polling ? ".busy" : string.Empty;
            scenarios.Add(TotalOnly(polling ? "lockstep.outside.floor" : "lockstep.outside.native", server, polling));
            scenarios.Add(TwoCounts("lockstep.outside.cclient" + suffix, server, (n, ct) => NativeProcessAsync(server.Port, n, polling, ct), cancellationToken));
            if (client is null)
            {
                _m.Errors["lockstep.outside.cli" + suffix] = "PiSquareClient was not built beside the tool (bash scripts/bench.sh builds it there) and --client was not given";
                continue;
            }

            scenarios.Add(TwoCounts(
                "lockstep.outside.cli" + suffix, server, (n, ct) => OurClientProcess.RunAsync(client, server.Port, "textbook", _settings.Start, n, ClientTimeout, ct), cancellationToken));
        }

        Scenario TotalOnly(string id, RunningServer server, bool busy) => new(id, server, async pool =>
        {
            NativeResult result = await _native.RunClientAsync(
                new NativeRun(server.Port, true, null, _settings.LockstepPerRun, _settings.LockstepWarmupPerRun, _settings.Start, busy, ClientTimeout, TotalOnly: true),
                cancellationToken);
            pool.Add(result.Count, result.ElapsedSeconds);
        });
    }

    // One run = a short and a long process run; the figure is the extra squares over the extra wall time.
    private Scenario TwoCounts(string id, RunningServer server, Func<long, CancellationToken, Task<double>> run, CancellationToken cancellationToken) =>
        new(id, server, async pool =>
        {
            long longCount = ShortCount + Math.Max(MinExtra, _settings.LockstepPerRun);
            double shortRun = await run(ShortCount, cancellationToken);
            double longRun = await run(longCount, cancellationToken);
            if (longRun <= shortRun)
            {
                throw new BenchException($"{id}: the {longCount:N0}-square run ({longRun:0.000} s) took no longer than the {ShortCount:N0}-square run ({shortRun:0.000} s)");
            }

            pool.Add(longCount - ShortCount, longRun - shortRun);
        });

    private async Task<double> NativeProcessAsync(int port, long count, bool busy, CancellationToken cancellationToken)
    {
        NativeResult result = await _native.RunClientAsync(
            new NativeRun(port, true, null, count, 0, _settings.Start, busy, ClientTimeout, TotalOnly: true), cancellationToken);
        return result.WallSeconds;
    }
}
