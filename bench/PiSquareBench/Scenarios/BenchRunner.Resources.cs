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

/// <summary>The resources group of <see cref="BenchRunner"/>.</summary>
internal sealed partial class BenchRunner
{
    // ---------------------------------------------------------------- resources

    private async Task ResourcesAsync(CancellationToken cancellationToken)
    {
        var ours = new StartSeries("resources.start.connect", "resources.start.log", "resources.rss.idle");
        var native = new StartSeries("resources.native.start.connect", "resources.native.start.log", "resources.native.rss.idle");
        var python = new StartSeries(null, "resources.python.start.log", "resources.python.rss.idle");
        for (int run = 0; run < _settings.StartupRuns; run++)
        {
            await StartOnceAsync(ours, port => Servers.StartOurs(_serverDll, port), cancellationToken);
            await StartOnceAsync(native, port => _native.StartServer("native server (blocking)", "auto", "block", port), cancellationToken);
            await StartOnceAsync(
                python,
                _ => ChildProcess.Start("the textbook's Python server", _settings.Python, [_textbookServer, "127.0.0.1", "0"], Path.GetDirectoryName(_textbookServer)),
                cancellationToken);
        }

        foreach (StartSeries series in new[] { ours, native, python })
        {
            series.Summarise(this);
        }

        string? limit = OpenFilesProblem(_settings.ManyClients);
        await WithServerAsync(["resources.cpu.idle", "resources.rss.clients"], () => Servers.StartOurs(_serverDll), async server =>
        {
            await Task.Delay(_settings.Settle, cancellationToken);
            ConcurrentLoad.Connection[] silent = await ConcurrentLoad.OpenAsync(server.Port, 1, cancellationToken);
            var more = Array.Empty<ConcurrentLoad.Connection>();
            try
            {
                await MeasureAsync("resources.cpu.idle", async () =>
                {
                    if (silent[0].Error is string error)
                    {
                        throw new BenchException("the silent client could not greet: " + error);
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                    long before = ProcStats.CpuTicks(server.Child.Pid) ?? throw new BenchException("cannot read /proc/<pid>/stat");
                    var clock = Stopwatch.StartNew();
                    await Task.Delay(_settings.IdleCpuWindow, cancellationToken);
                    long after = ProcStats.CpuTicks(server.Child.Pid) ?? throw new BenchException("cannot read /proc/<pid>/stat");
                    double percent = (after - before) / (double)LinuxProcessCalls.ClockTicksPerSecond / clock.Elapsed.TotalSeconds * 100;
                    _m.Scalars["resources.cpu.idle"] = percent;
                    _m.Details["resources.cpu.idle"] = string.Create(
                        CultureInfo.InvariantCulture, $"{after - before} clock ticks (1/{LinuxProcessCalls.ClockTicksPerSecond} s) of utime+stime in {clock.Elapsed.TotalSeconds:0.0} s");
                    Report("resources.cpu.idle", string.Create(CultureInfo.InvariantCulture, $"{percent:0.00} % of a core"));
                });

                await MeasureAsync("resources.rss.clients", async () =>
                {
                    if (limit is not null)
                    {
                        throw new BenchException(limit);
                    }

                    more = await ConcurrentLoad.OpenAsync(server.Port, _settings.ManyClients - 1, cancellationToken);
                    int greeted = more.Count(c => c.Greeted) + (silent[0].Greeted ? 1 : 0);
                    await Task.Delay(_settings.Settle, cancellationToken);
                    Servers.EnsureAlive(server.Child);
                    long kib = ProcStats.ResidentKiB(server.Child.Pid) ?? throw new BenchException("cannot read /proc/<pid>/status");
                    _m.Scalars["resources.rss.clients"] = kib / 1024.0;
                    string failures = string.Join(", ", more.Where(c => c.Error is not null).GroupBy(c => c.Error).Select(g => $"{g.Count()}× {g.Key}"));
                    _m.Details["resources.rss.clients"] = string.Create(
                        CultureInfo.InvariantCulture, $"{greeted:N0} of {_settings.ManyClients:N0} connections greeted{(failures.Length > 0 ? "; failed: " + failures : string.Empty)}");
                    if (greeted < _settings.ManyClients)
                    {
                        _m.Notes.Add($"Only {greeted} of {_settings.ManyClients} idle clients were greeted by our server: {failures}");
                    }

                    Report("resources.rss.clients", string.Create(CultureInfo.InvariantCulture, $"{kib / 1024.0:0.0} MiB with {greeted} clients"));
                });
            }
            finally
            {
                foreach (ConcurrentLoad.Connection c in silent.Concat(more))
                {
                    c.Dispose();
                }
            }
        });
    }

    // Starts a server on a port chosen beforehand: time to the first successful connect (when the series
    // has a connect id; the textbook's server serves one client only, so it gets no probe), to its
    // "Listening on" line, and its RSS after the settle time; then stops it.
    private async Task StartOnceAsync(StartSeries series, Func<int, ChildProcess> start, CancellationToken cancellationToken)
    {
        if (series.Failed)
        {
            return;
        }

        try
        {
            int port = FreePort.OnLoopback();
            using ChildProcess child = start(port);
            try
            {
                if (series.ConnectId is not null)
                {
                    series.Connects.Add((await Task.Run(() => Servers.ProbeUntilConnected(child, port, Servers.StartTimeout), cancellationToken)).TotalMilliseconds);
                }

                ListeningLine line = await child.WaitListeningAsync(Servers.StartTimeout, cancellationToken);
                series.Logs.Add(line.SinceStart.TotalMilliseconds);
                await Task.Delay(_settings.Settle, cancellationToken);
                series.Rss.Add((ProcStats.ResidentKiB(child.Pid) ?? throw new BenchException("cannot read /proc/<pid>/status")) / 1024.0);
            }
            finally
            {
                await child.StopAsync(StopTimeout);
            }
        }
        catch (Exception ex) when (IsScenarioFailure(ex))
        {
            series.Failed = true;
            Fail(series.Ids, Describe(ex));
        }
    }

    private void Summarise(string id, List<double> values, string unit, string? more = null)
    {
        double median = Statistic.Median(values);
        _m.Scalars[id] = median;
        _m.Details[id] = string.Create(
            CultureInfo.InvariantCulture, $"median of {values.Count} starts; each: {string.Join(", ", values.Select(v => v.ToString(unit == "ms" ? "0" : "0.0", CultureInfo.InvariantCulture)))} {unit}{more}");
        Report(id, string.Create(CultureInfo.InvariantCulture, $"{median:0.0} {unit} (median of {values.Count})"));
    }
}
