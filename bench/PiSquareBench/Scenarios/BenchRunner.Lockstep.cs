using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using IotSquares.Bench.Load;
using IotSquares.Bench.Machine;
using IotSquares.Bench.Processes;
using IotSquares.Bench.Reporting;
using IotSquares.Client;
using IotSquares.TestKit;
using Spectre.Console;

namespace IotSquares.Bench.Scenarios;

/// <summary>The lockstep group of <see cref="BenchRunner"/>.</summary>
internal sealed partial class BenchRunner
{
    // ---------------------------------------------------------------- lockstep

    private async Task LockstepAsync(CancellationToken cancellationToken)
    {
        int count = _settings.LockstepPerRun;
        int warmup = _settings.LockstepWarmupPerRun;
        long start = _settings.Start;
        var scenarios = new List<Scenario>();
        RunningServer? block = await StartAsync(
            ["lockstep.native.lines", "lockstep.native.textbook", "lockstep.client.lean", "lockstep.client.framed", "lockstep.client.textbook",
             "lockstep.outside.native", "lockstep.outside.cclient", "lockstep.outside.cli"],
            () => _native.StartServer("native server (blocking)", "auto", "block"));
        RunningServer? busy = await StartAsync(
            ["lockstep.floor.lines", "lockstep.floor.textbook", "lockstep.client.framed.busy", "lockstep.outside.floor", "lockstep.outside.cclient.busy", "lockstep.outside.cli.busy"],
            () => _native.StartServer("native server (busy-poll)", "auto", "busy"));
        string[] oursIds = ["lockstep.server.framed", "lockstep.server.textbook", "lockstep.server.framed.busy", "lockstep.outside.server", "lockstep.outside.server.busy"];
        RunningServer? ours = await StartAsync(oursIds, () => Servers.StartOurs(_serverDll));
        try
        {
            if (block is not null)
            {
                scenarios.Add(NativeLockstep("lockstep.native.lines", block, textbook: false, busy: false));
                scenarios.Add(NativeLockstep("lockstep.native.textbook", block, textbook: true, busy: false));
                scenarios.Add(new Scenario("lockstep.client.lean", block, async pool =>
                {
                    (long[] ticks, double seconds) = await Task.Run(() => LeanLockstepClient.Run(block.Port, start, warmup, count, ClientTimeout), cancellationToken);
                    pool.Add(count, seconds, ticks);
                }));
                scenarios.Add(OurLockstep("lockstep.client.framed", block, DialectChoice.Framed, cancellationToken));
                scenarios.Add(OurLockstep("lockstep.client.textbook", block, DialectChoice.Textbook, cancellationToken));
            }

            if (busy is not null)
            {
                scenarios.Add(NativeLockstep("lockstep.floor.lines", busy, textbook: false, busy: true));
                scenarios.Add(NativeLockstep("lockstep.floor.textbook", busy, textbook: true, busy: true));

                // Each side against a polling peer: what each adds to the floor on its own, without the
                // other side's wake-up cost in the figure.
                scenarios.Add(OurLockstep("lockstep.client.framed.busy", busy, DialectChoice.Framed, cancellationToken));
            }

            // The textbook's server serves one client and exits: each run starts its own.
            scenarios.Add(new Scenario("lockstep.python", null, async pool =>
            {
                using ChildProcess python = ChildProcess.Start(
                    "the textbook's Python server", _settings.Python, [_textbookServer, "127.0.0.1", "0"], Path.GetDirectoryName(_textbookServer));
                ListeningLine line = await python.WaitListeningAsync(Servers.StartTimeout, cancellationToken);
                await RunNativeLockstepAsync(pool, line.Port, textbook: true, busy: false, cancellationToken);
                if (await python.WaitForExitAsync(TimeSpan.FromSeconds(10)) is not 0)
                {
                    throw new BenchException($"the textbook's server did not exit 0 after its client left:{Environment.NewLine}{python.Tail()}");
                }

                _m.Details["lockstep.python"] = string.Create(
                    CultureInfo.InvariantCulture, $"a new server per run (it serves one client); it prints a line per request, as the book's does, to a pipe the tool drains ({python.Lines:N0} lines in the last run)");
            }));

            if (ours is not null)
            {
                scenarios.Add(NativeLockstep("lockstep.server.framed", ours, textbook: false, busy: false));
                scenarios.Add(NativeLockstep("lockstep.server.textbook", ours, textbook: true, busy: false));
                scenarios.Add(NativeLockstep("lockstep.server.framed.busy", ours, textbook: false, busy: true));
            }

            AddOutsideScenarios(scenarios, block, busy, ours, cancellationToken);
            await RoundsAsync(scenarios, latency: true);
        }
        finally
        {
            await StopAsync(block, []);
            await StopAsync(busy, []);
            await StopAsync(ours, oursIds);
        }

        Scenario NativeLockstep(string id, RunningServer server, bool textbook, bool busy) =>
            new(id, server, pool => RunNativeLockstepAsync(pool, server.Port, textbook, busy, cancellationToken));
    }

    private async Task RunNativeLockstepAsync(Pool pool, int port, bool textbook, bool busy, CancellationToken cancellationToken)
    {
        NativeResult result = await _native.RunClientAsync(
            new NativeRun(port, textbook, null, _settings.LockstepPerRun, _settings.LockstepWarmupPerRun, _settings.Start, busy, ClientTimeout), cancellationToken);
        pool.Add(result.Count, result.ElapsedSeconds, result.Samples);
    }

    private Scenario OurLockstep(string id, RunningServer server, DialectChoice dialect, CancellationToken cancellationToken) =>
        new(id, server, async pool =>
        {
            OurClient.Result result = await OurClient.RunAsync(
                server.Port, dialect, 1, _settings.Start, _settings.LockstepWarmupPerRun, _settings.LockstepPerRun, cancellationToken);
            pool.Add(result.Count, result.Elapsed.TotalSeconds, result.Intervals);
        });
}
