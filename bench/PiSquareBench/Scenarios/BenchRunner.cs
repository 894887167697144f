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

/// <summary>
/// Runs the scenarios group by group. Within a group, every server it needs runs at once and the
/// scenarios are interleaved (rounds in a rotating order for lockstep and pipelined runs; native then
/// ours for each concurrent run; ours, native, Python for each start), so that the ratios compare
/// runs taken at the same moments of a shared machine. A scenario that fails is recorded with its
/// reason and the run goes on. Every server is stopped (SIGTERM for ours) or killed before the next group.
/// </summary>
internal sealed class BenchRunner
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly BenchSettings _settings;
    private readonly IAnsiConsole _console;
    private readonly NativePeers _native;
    private readonly string _serverDll;
    private readonly string _textbookServer;
    private readonly Measurements _m = new();

    public BenchRunner(BenchSettings settings, IAnsiConsole console, NativePeers native, string serverDll, string textbookServer)
    {
        _settings = settings;
        _console = console;
        _native = native;
        _serverDll = serverDll;
        _textbookServer = textbookServer;
    }

    /// <summary>What was measured (rows are built from it).</summary>
    public Measurements Measurements => _m;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (string group in _settings.Groups)
        {
            _console.MarkupLine($"[bold]== {Markup.Escape(group)}[/]  [grey](load average {Markup.Escape(ProcStats.LoadAverage())})[/]");
            Task run = group switch
            {
                "lockstep" => LockstepAsync(cancellationToken),
                "pipelined" => PipelinedAsync(cancellationToken),
                "concurrent" => ConcurrentAsync(cancellationToken),
                "resources" => ResourcesAsync(cancellationToken),
                _ => throw new ArgumentException($"unknown group {group}", nameof(cancellationToken)),
            };
            await run;
        }
    }

    // ---------------------------------------------------------------- lockstep

    private async Task LockstepAsync(CancellationToken cancellationToken)
    {
        int count = _settings.LockstepPerRun;
        int warmup = _settings.LockstepWarmupPerRun;
        long start = _settings.Start;
        var scenarios = new List<Scenario>();
        RunningServer? block = await StartAsync(
            ["lockstep.native.lines", "lockstep.native.textbook", "lockstep.client.lean", "lockstep.client.framed", "lockstep.client.textbook"],
            () => _native.StartServer("native server (blocking)", "auto", "block"));
        RunningServer? busy = await StartAsync(
            ["lockstep.floor.lines", "lockstep.floor.textbook", "lockstep.client.framed.busy"],
            () => _native.StartServer("native server (busy-poll)", "auto", "busy"));
        RunningServer? ours = await StartAsync(
            ["lockstep.server.framed", "lockstep.server.textbook", "lockstep.server.framed.busy"], () => Servers.StartOurs(_serverDll));
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

            await RoundsAsync(scenarios, latency: true);
        }
        finally
        {
            await StopAsync(block, []);
            await StopAsync(busy, []);
            await StopAsync(ours, ["lockstep.server.framed", "lockstep.server.textbook", "lockstep.server.framed.busy"]);
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
            var runs = _settings.ConcurrentClients.Select(n => (Suffix: $"c{n}", Connections: n, Interval: (TimeSpan?)null))
                .Append((Suffix: "paced", Connections: _settings.ManyClients, Interval: _settings.PacedInterval));
            foreach ((string suffix, int connections, TimeSpan? interval) in runs)
            {
                foreach ((RunningServer? server, string prefix) in new[] { (native, "concurrent.native."), (ours, "concurrent.") })
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
            _m.Concurrent[id] = result;
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
        double[] sorted = [.. values.Order()];
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        _m.Scalars[id] = median;
        _m.Details[id] = string.Create(
            CultureInfo.InvariantCulture, $"median of {sorted.Length} starts; each: {string.Join(", ", values.Select(v => v.ToString(unit == "ms" ? "0" : "0.0", CultureInfo.InvariantCulture)))} {unit}{more}");
        Report(id, string.Create(CultureInfo.InvariantCulture, $"{median:0.0} {unit} (median of {sorted.Length})"));
    }

    // ---------------------------------------------------------------- plumbing

    // Starts a server and waits until it listens; on failure every id gets the reason and null is returned.
    private async Task<RunningServer?> StartAsync(string[] ids, Func<ChildProcess> start)
    {
        ChildProcess? child = null;
        try
        {
            child = start();
            ListeningLine listening = await child.WaitListeningAsync(Servers.StartTimeout, CancellationToken.None);
            return new RunningServer(child, listening.Port, ids);
        }
        catch (BenchException ex)
        {
            child?.Dispose();
            Fail(ids, ex.Message);
            return null;
        }
    }

    // Stops a server: SIGTERM, then SIGKILL after 15 s. When oursIds is not empty it is our server, which
    // must not have died and must exit 0 on SIGTERM; otherwise the report says so.
    private async Task StopAsync(RunningServer? server, string[] oursIds)
    {
        if (server is null)
        {
            return;
        }

        using ChildProcess child = server.Child;
        bool diedEarly = child.HasExited;
        int? exit = await child.StopAsync(StopTimeout);
        if (oursIds.Length > 0 && (diedEarly || exit != 0))
        {
            string what = diedEarly ? $"exited by itself with code {exit}" : exit is null ? "did not exit within 15 s of SIGTERM and was killed" : $"exited {exit} on SIGTERM";
            string note = $"Our server (for {string.Join(", ", oursIds)}) {what}. Last lines: {child.Tail().ReplaceLineEndings(" | ")}";
            _m.Notes.Add(note);
            _console.MarkupLine("[red]" + Markup.Escape(note) + "[/]");
        }
        else if (oursIds.Length == 0 && diedEarly)
        {
            _m.Notes.Add($"{child.Name} exited early with code {exit}. Last lines: {child.Tail().ReplaceLineEndings(" | ")}");
        }
    }

    private async Task WithServerAsync(string[] ids, Func<ChildProcess> start, Func<RunningServer, Task> body)
    {
        RunningServer? server = await StartAsync(ids, start);
        if (server is null)
        {
            return;
        }

        try
        {
            await body(server);
        }
        catch (Exception ex) when (IsScenarioFailure(ex))
        {
            Fail(ids, Describe(ex));
        }
        finally
        {
            await StopAsync(server, ids);
        }
    }

    private Task MeasureAsync(string id, Func<Task> measure) => MeasureAsync([id], measure);

    private async Task MeasureAsync(string[] ids, Func<Task> measure)
    {
        try
        {
            await measure();
        }
        catch (Exception ex) when (IsScenarioFailure(ex))
        {
            Fail(ids, Describe(ex));
        }
    }

    private static bool IsScenarioFailure(Exception ex) =>
        ex is BenchException or SocketException or IOException or TimeoutException or InvalidOperationException;

    private static string Describe(Exception ex) =>
        ex is SocketException s ? $"socket error {s.SocketErrorCode}: {s.Message}" : ex.Message;

    private void Fail(string[] ids, string message)
    {
        foreach (string id in ids)
        {
            if (!_m.Latencies.ContainsKey(id) && !_m.Rates.ContainsKey(id) && !_m.Concurrent.ContainsKey(id) && !_m.Scalars.ContainsKey(id))
            {
                _m.Errors[id] = message;
                _console.MarkupLine($"  [red]{Markup.Escape(id)}: {Markup.Escape(message)}[/]");
            }
        }
    }

    private void Report(string id, string text) =>
        _console.MarkupLine($"  [grey]{Markup.Escape(id)}[/] {Markup.Escape(text)}");

    private sealed record RunningServer(ChildProcess Child, int Port, string[] Ids);

    // One scenario of a round: Server (when it has one of its own running) is checked alive before each run.
    private sealed record Scenario(string Id, RunningServer? Server, Func<Pool, Task> Run);

    // The repeated starts of one server.
    private sealed class StartSeries(string? connectId, string logId, string rssId)
    {
        public string? ConnectId { get; } = connectId;

        public string[] Ids { get; } = connectId is null ? [logId, rssId] : [connectId, logId, rssId];

        public List<double> Connects { get; } = [];

        public List<double> Logs { get; } = [];

        public List<double> Rss { get; } = [];

        public bool Failed { get; set; }

        public void Summarise(BenchRunner runner)
        {
            if (Failed)
            {
                return;
            }

            if (ConnectId is not null)
            {
                runner.Summarise(ConnectId, Connects, "ms");
            }

            runner.Summarise(logId, Logs, "ms");
            string settle = runner._settings.Settle.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
            runner.Summarise(rssId, Rss, "MiB", ConnectId is null ? $"; VmRSS {settle} s after start, before any client" : $"; VmRSS {settle} s after start, after one probe connection");
        }
    }
}
