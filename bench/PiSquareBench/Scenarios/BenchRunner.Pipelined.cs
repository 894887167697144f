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

/// <summary>The pipelined group of <see cref="BenchRunner"/>.</summary>
internal sealed partial class BenchRunner
{
    // ---------------------------------------------------------------- pipelined

    private async Task PipelinedAsync(CancellationToken cancellationToken)
    {
        string[] nativeIds = [.. _settings.Windows.Select(w => $"pipelined.native.w{w}")];
        string[] ourIds = [.. _settings.Windows.SelectMany(w => (string[])[$"pipelined.server.w{w}", $"pipelined.ours.w{w}"])];
        string[] slowIds = [.. _settings.Windows.Select(w => $"pipelined.slowobserver.w{w}")];
        RunningServer? native = await StartAsync(nativeIds, () => _native.StartServer("native server (blocking)", "lines", "block"));
        RunningServer? ours = await StartAsync(ourIds, () => Servers.StartOurs(_serverDll));

        // The same server with an observer that takes 20 ms per call (a full SSD1306 frame at 400 kHz) behind
        // the queue adapter: what a display costs the connection loop.
        RunningServer? slow = await StartAsync(slowIds, () => Servers.StartOurs(_serverDll, 0, "--diagnostics-slow-observer", "20"));
        try
        {
            var scenarios = new List<Scenario>();
            foreach (int w in _settings.Windows)
            {
                (int count, int warmup) = _settings.PipelinePerRun(w);
                if (native is not null)
                {
                    scenarios.Add(NativePipeline($"pipelined.native.w{w}", native, w, count, warmup));
                }

                if (ours is not null)
                {
                    scenarios.Add(NativePipeline($"pipelined.server.w{w}", ours, w, count, warmup));
                    if (slow is not null)
                    {
                        scenarios.Add(NativePipeline($"pipelined.slowobserver.w{w}", slow, w, count, warmup));
                    }

                    scenarios.Add(new Scenario($"pipelined.ours.w{w}", ours, async pool =>
                    {
                        OurClient.Result result = await OurClient.RunAsync(ours.Port, DialectChoice.Framed, w, _settings.Start, warmup, count, cancellationToken);
                        pool.Add(result.Count, result.Elapsed.TotalSeconds);
                    }));
                }
            }

            await RoundsAsync(scenarios, latency: false);
        }
        finally
        {
            await StopAsync(native, []);
            await StopAsync(ours, ourIds);
            await StopAsync(slow, slowIds);
        }

        Scenario NativePipeline(string id, RunningServer server, int window, int count, int warmup) =>
            new(id, server, async pool =>
            {
                NativeResult result = await _native.RunClientAsync(
                    new NativeRun(server.Port, false, window, count, warmup, _settings.Start, false, ClientTimeout), cancellationToken);
                pool.Add(result.Count, result.ElapsedSeconds);
            });
    }

    // Every scenario once per round, the order rotated each round; a scenario that fails once is reported as failed.
    private async Task RoundsAsync(List<Scenario> scenarios, bool latency)
    {
        var pools = scenarios.ToDictionary(s => s.Id, _ => new Pool(), StringComparer.Ordinal);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        for (int round = 0; round < _settings.Rounds; round++)
        {
            _console.MarkupLine($"  [grey]round {round + 1} of {_settings.Rounds} (load average {Markup.Escape(ProcStats.LoadAverage())})[/]");
            for (int i = 0; i < scenarios.Count; i++)
            {
                Scenario scenario = scenarios[(i + round) % scenarios.Count];
                if (failed.Contains(scenario.Id))
                {
                    continue;
                }

                try
                {
                    if (scenario.Server is not null)
                    {
                        Servers.EnsureAlive(scenario.Server.Child);
                    }

                    await scenario.Run(pools[scenario.Id]);
                }
                catch (Exception ex) when (IsScenarioFailure(ex))
                {
                    failed.Add(scenario.Id);
                    Fail([scenario.Id], string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: {Describe(ex)}"));
                }
            }
        }

        foreach (Scenario scenario in scenarios.Where(s => !failed.Contains(s.Id)))
        {
            Pool pool = pools[scenario.Id];
            _m.Rates[scenario.Id] = pool.Rate;
            _m.RunRates[scenario.Id] = [.. pool.RunFigures];
            string perRun = latency && pool.HasLatency
                ? string.Create(CultureInfo.InvariantCulture, $"p50 of each run {string.Join(", ", pool.RunFigures.Select(f => f.ToString("0.0", CultureInfo.InvariantCulture)))} µs; wall time / count {1e6 / pool.Rate:0.0} µs")
                : "each run " + string.Join(", ", pool.RunFigures.Select(f => f.ToString("N0", CultureInfo.InvariantCulture))) + " squares/s";
            string pooled = string.Create(CultureInfo.InvariantCulture, $"{pool.Count:N0} squares pooled from {pool.Runs} runs ({perRun})");
            _m.Details[scenario.Id] = _m.Details.TryGetValue(scenario.Id, out string? more) ? pooled + "; " + more : pooled;
            if (latency && pool.HasLatency)
            {
                Latency rtt = pool.Latency();
                _m.Latencies[scenario.Id] = rtt;
                Report(scenario.Id, string.Create(CultureInfo.InvariantCulture, $"p50 {rtt.P50Us:0.0} µs, mean {rtt.MeanUs:0.0}, p99 {rtt.P99Us:0.0} ({rtt.Count:N0} requests, {pool.Rate:N0} squares/s)"));
            }
            else
            {
                Report(scenario.Id, string.Create(CultureInfo.InvariantCulture, $"{pool.Rate:N0} squares/s ({pool.Count:N0} in {pool.Seconds:0.00} s)"));
            }
        }
    }
}
