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

/// <summary>The concurrent group of <see cref="BenchRunner"/>.</summary>
internal sealed partial class BenchRunner
{
    // ---------------------------------------------------------------- concurrent

    private async Task ConcurrentAsync(CancellationToken cancellationToken)
    {
        int most = _settings.ConcurrentClients.Append(_settings.ManyClients).Max();
        string? limit = OpenFilesProblem(most);
        string[] nativeIds = [.. _settings.ConcurrentClients.Select(n => $"concurrent.native.c{n}"), "concurrent.native.paced"];
        string[] ourIds = [.. _settings.ConcurrentClients.Select(n => $"concurrent.c{n}"), "concurrent.paced"];
        RunningServer? native = await StartAsync(nativeIds, () => _native.StartServer("native server (epoll)", "lines", "epoll"));
        RunningServer? ours = await StartAsync(ourIds, () => Servers.StartOurs(_serverDll));
        try
        {
            // Warm both up (our server's JIT and thread pool above all); not reported.
            TimeSpan warmup = _settings.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(2);
            foreach (RunningServer server in new[] { native, ours }.OfType<RunningServer>())
            {
                await ConcurrentLoad.RunAsync(server.Port, 16, warmup, null, cancellationToken);
            }

            ulong soft = NativeMethods.OpenFilesLimit()?.Soft ?? 0;
            // The flat-out runs once each; the paced run (issue 12: p99 no worse than the C server's in the same run)
            // in interleaved rounds (C, ours, ours, C, ...), so that its ratio has a noise band like every other row.
            var runs = _settings.ConcurrentClients.Select(n => (Suffix: $"c{n}", Connections: n, Interval: (TimeSpan?)null, Rounds: 1))
                .Append((Suffix: "paced", Connections: _settings.ManyClients, Interval: _settings.PacedInterval, Rounds: _settings.Rounds));
            foreach ((string suffix, int connections, TimeSpan? interval, int rounds) in runs)
            {
                for (int round = 0; round < rounds; round++)
                {
                    var pair = new[] { (native, "concurrent.native."), (ours, "concurrent.") };
                    foreach ((RunningServer? server, string prefix) in round % 2 == 0 ? pair : new[] { pair[1], pair[0] })
                    {
                        string id = prefix + suffix;
                        if (server is null)
                        {
                            continue;
                        }

                        if (limit is not null && (ulong)connections + 100 > soft)
                        {
                            _m.Errors[id] = limit;
                            continue;
                        }

                        await ConcurrentRunAsync(id, server, connections, interval, cancellationToken);
                    }
                }
            }
        }
        finally
        {
            await StopAsync(native, []);
            await StopAsync(ours, ourIds);
        }
    }

    private Task ConcurrentRunAsync(string id, RunningServer server, int connections, TimeSpan? interval, CancellationToken cancellationToken) =>
        MeasureAsync(id, async () =>
        {
            Servers.EnsureAlive(server.Child);
            long? cpuBefore = ProcStats.CpuTicks(server.Child.Pid);
            var clock = Stopwatch.StartNew();
            ConcurrentLoad.Result result = await ConcurrentLoad.RunAsync(server.Port, connections, _settings.ConcurrentDuration, interval, cancellationToken);
            long? cpuAfter = ProcStats.CpuTicks(server.Child.Pid);
            long? rssKiB = ProcStats.ResidentKiB(server.Child.Pid);
            KeepRound(id, result);
            if (cpuBefore is long b && cpuAfter is long a)
            {
                double cores = (a - b) / (double)LinuxProcessCalls.ClockTicksPerSecond / clock.Elapsed.TotalSeconds;
                _m.Details[id] = string.Create(CultureInfo.InvariantCulture, $"server CPU {cores * 100:0}% of a core over the run (setup included), RSS after {rssKiB / 1024.0:0.0} MiB");
            }

            Report(id, string.Create(
                CultureInfo.InvariantCulture,
                $"{result.Rate:N0} squares/s, p99 {result.Latency.P99Us / 1000:0.00} ms, served {result.Served}/{result.Connections}{(result.Errors.Count > 0 ? ", errors: " + string.Join(", ", result.Errors.Select(e => $"{e.Value}× {e.Key}")) : string.Empty)}"));
            Servers.EnsureAlive(server.Child);

            // Let the server finish closing those connections (ours lingers up to 1 s on each) before the next run.
            await Task.Delay(_settings.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(2), cancellationToken);
        });

    // A scenario's figure is its round with the median p99, unless a round failed to serve every connection:
    // then that round, so the row fails as it should.
    private void KeepRound(string id, ConcurrentLoad.Result result)
    {
        if (!_m.ConcurrentRounds.TryGetValue(id, out List<ConcurrentLoad.Result>? rounds))
        {
            _m.ConcurrentRounds[id] = rounds = [];
        }

        rounds.Add(result);
        ConcurrentLoad.Result[] byP99 = [.. rounds.OrderBy(r => r.Latency.P99Us)];
        _m.Concurrent[id] = rounds.FirstOrDefault(r => !r.AllServed) ?? byP99[(byP99.Length - 1) / 2];
    }

    private string? OpenFilesProblem(int connections)
    {
        ulong wanted = (ulong)connections + 200;
        if (NativeMethods.TryRaiseOpenFilesLimit(wanted))
        {
            return null;
        }

        string have = NativeMethods.OpenFilesLimit() is (ulong soft, ulong hard) ? string.Create(CultureInfo.InvariantCulture, $"{soft} (hard {hard})") : "unknown";
        string message = $"ulimit -n is {have}: {connections:N0} connections need at least {wanted:N0} open files in the tool and in the server; run `ulimit -n 4096` (or raise the hard limit) and try again";
        _console.MarkupLine("[red]" + Markup.Escape(message) + "[/]");
        _m.Notes.Add(message);
        return message;
    }
}
