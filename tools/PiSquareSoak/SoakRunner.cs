using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using IotSquares.Soak.Load;
using IotSquares.Soak.Monitoring;
using IotSquares.Soak.Reporting;

namespace IotSquares.Soak;

/// <summary>
/// One soak run: start the server (or use a running one), run the client loops until the time is up
/// while printing a row every sample interval, then stop the server and report.
/// </summary>
internal sealed class SoakRunner
{
    // The RSS trend is left out when the rows after warm-up span less than this: a few rows of a short run say nothing about a leak.
    private const double TrendMinimumSeconds = 300;

    // Once the time is up, exchanges already under way may finish; after this they are cancelled.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(90);

    private readonly SoakSettings _settings;
    private readonly TextWriter _out;
    private readonly TextWriter _error;

    /// <summary>Creates the run.</summary>
    public SoakRunner(SoakSettings settings, TextWriter output, TextWriter error)
    {
        _settings = settings;
        _out = output;
        _error = error;
    }

    /// <summary>Runs the soak and returns the exit code (see <see cref="SoakExitCodes"/>).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        ChildServer? child = null;
        string server;
        if (_settings.External)
        {
            server = string.Create(CultureInfo.InvariantCulture, $"{_settings.Host}:{_settings.Port}");
        }
        else
        {
            string? dll = _settings.ServerPath ?? ServerLocator.Find();
            if (dll is null || !File.Exists(dll))
            {
                await _error.WriteLineAsync(dll is null
                    ? "PiSquareSoak: cannot find PiSquareServer.dll; build the solution first (dotnet build) or pass --server <path>."
                    : $"PiSquareSoak: no such file: {dll}");
                return SoakExitCodes.ServerFailed;
            }

            server = Path.GetFullPath(dll);
            await _out.WriteLineAsync($"Starting {server} on 127.0.0.1, a free port");
            try
            {
                child = await ChildServer.StartAsync(server, _settings.ServerLogPath, cancellationToken);
            }
            catch (InvalidOperationException ex)
            {
                await _error.WriteLineAsync($"PiSquareSoak: {ex.Message}");
                return SoakExitCodes.ServerFailed;
            }
            catch (OperationCanceledException)
            {
                return SoakExitCodes.Interrupted;
            }
        }

        try
        {
            return await SoakAsync(server, child, cancellationToken);
        }
        finally
        {
            child?.Dispose();
        }
    }

    private async Task<int> SoakAsync(string server, ChildServer? child, CancellationToken cancellationToken)
    {
        string host = child is null ? _settings.Host : "127.0.0.1";
        int port = child?.Port ?? _settings.Port!.Value;
        int? pid = child?.Pid ?? _settings.ServerPid;
        double perClient = _settings.Rate / _settings.Clients;
        var errors = new ErrorLog();
        ClientLoop[] loops = [.. Enumerable.Range(0, _settings.Clients)
            .Select(i => new ClientLoop(ClientProfile.For(i), host, port, perClient, (_settings.Seed * 10_007) + i, errors))];
        var sampler = new Sampler([.. loops.Select(l => l.Stats)], pid);
        var samples = new List<SoakSample>();

        await _out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Soaking {host}:{port}{(pid is int p ? $" (pid {p})" : string.Empty)}: {_settings.Clients} clients for {_settings.Duration.TotalMinutes:0.##} min, " +
            $"{(_settings.Rate > 0 ? $"{_settings.Rate:N0} squares/s in all" : "unthrottled")}, a row every {_settings.SampleInterval.TotalSeconds:0.##} s"));
        await _out.WriteLineAsync("Clients: " + string.Join(", ", loops.GroupBy(l => l.Stats.Profile.Name).Select(g => $"{g.Count()} {g.Key}")));
        await _out.WriteLineAsync(ReportWriter.ConsoleHeader());
        await Record(sampler.Take(TimeSpan.Zero));

        DateTimeOffset started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task[] running = [.. loops.Select(loop => Task.Run(() => RunLoopAsync(loop, clock, _settings.Duration, run.Token), CancellationToken.None))];
        Task all = Task.WhenAll(running);

        bool interrupted = false;
        bool serverDied = false;
        long rows = (long)Math.Ceiling(_settings.Duration / _settings.SampleInterval);
        for (long row = 1; row <= rows; row++)
        {
            TimeSpan due = Min(_settings.SampleInterval * row, _settings.Duration);
            TimeSpan wait = due - clock.Elapsed;
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
                interrupted = true;
                break;
            }

            // The last row is taken once the loops are done, below.
            if (due >= _settings.Duration)
            {
                break;
            }

            await Record(sampler.Take(clock.Elapsed));
            if (child is { HasExited: true })
            {
                await _error.WriteLineAsync("PiSquareSoak: the server has exited; stopping the run.");
                serverDied = true;
                break;
            }
        }

        if (interrupted || serverDied)
        {
            await run.CancelAsync();
        }

        await DrainAsync(all, run);
        double elapsed = clock.Elapsed.TotalSeconds;

        // The last row, unless a row was just taken (the run was cut short).
        if (elapsed - samples[^1].ElapsedSeconds >= 1)
        {
            await Record(sampler.Take(clock.Elapsed));
        }

        ServerStop? stop = null;
        if (child is not null)
        {
            if (!child.HasExited)
            {
                await _out.WriteLineAsync("Stopping the server with SIGTERM");
            }

            stop = await child.StopAsync();
        }

        SoakSummary summary = Summarise(loops, samples, sampler, elapsed);
        int exitCode = interrupted ? SoakExitCodes.Interrupted
            : summary.Errors > 0 ? SoakExitCodes.ExchangeErrors
            : serverDied || (stop is not null && !stop.Clean) ? SoakExitCodes.ServerFailed
            : SoakExitCodes.Success;
        var report = new SoakReport
        {
            StartedUtc = started,
            Machine = Machine(),
            Server = server,
            ServerPid = pid,
            Clients = _settings.Clients,
            Minutes = _settings.Duration.TotalMinutes,
            Rate = _settings.Rate,
            SampleSeconds = _settings.SampleInterval.TotalSeconds,
            Seed = _settings.Seed,
            Interrupted = interrupted || serverDied,
            Samples = samples,
            Summary = summary,
            Profiles = [.. loops.GroupBy(l => l.Stats.Profile.Name).Select(g => new ProfileSummary(
                g.Key, g.Count(), g.Sum(l => l.Stats.Exchanges), g.Sum(l => l.Stats.SquaresVerified), g.Sum(l => l.Stats.Errors)))],
            ErrorsByExitCode = errors.ByExitCode,
            FirstErrors = errors.First,
            ServerLog = child is null ? null : new ServerLogSummary(
                child.Log.Lines, child.Log.Warnings, child.Log.Errors, child.Log.CloseReasons, child.Log.Problems,
                _settings.ServerLogPath is null ? null : Path.GetFullPath(_settings.ServerLogPath)),
            ServerStop = stop,
            ExitCode = exitCode,
        };

        await _out.WriteLineAsync();
        await _out.WriteAsync(ReportWriter.Summary(report));
        if (_settings.MarkdownPath is not null)
        {
            await ReportWriter.WriteFileAsync(_settings.MarkdownPath, ReportWriter.Markdown(report));
            await _out.WriteLineAsync($"Markdown: {Path.GetFullPath(_settings.MarkdownPath)}");
        }

        if (_settings.JsonPath is not null)
        {
            await ReportWriter.WriteFileAsync(_settings.JsonPath, ReportWriter.Json(report));
            await _out.WriteLineAsync($"JSON: {Path.GetFullPath(_settings.JsonPath)}");
        }

        return exitCode;

        async Task Record(SoakSample sample)
        {
            samples.Add(sample);
            await _out.WriteLineAsync(ReportWriter.ConsoleRow(sample));
        }
    }

    private static async Task RunLoopAsync(ClientLoop loop, Stopwatch clock, TimeSpan duration, CancellationToken cancellationToken)
    {
        try
        {
            await loop.RunAsync(clock, duration, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped early: the totals so far stand.
        }
    }

    // Lets exchanges under way finish, within a bound; then cancels them, and waits for that within a bound too.
    private async Task DrainAsync(Task all, CancellationTokenSource run)
    {
        try
        {
            await all.WaitAsync(DrainTimeout, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            await _error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"PiSquareSoak: exchanges still under way {DrainTimeout.TotalSeconds:0} s after the end; cancelling them."));
            await run.CancelAsync();
            try
            {
                await all.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            }
            catch (TimeoutException)
            {
                await _error.WriteLineAsync("PiSquareSoak: some client loops did not stop; reporting without them.");
            }
        }
    }

    private static SoakSummary Summarise(ClientLoop[] loops, List<SoakSample> samples, Sampler sampler, double elapsed)
    {
        long requested = loops.Sum(l => l.Stats.SquaresRequested);
        long verified = loops.Sum(l => l.Stats.SquaresVerified);
        List<SoakSample> loaded = [.. samples.Skip(1).Where(s => s.ServerRssMegabytes is not null)];
        double? cpu = sampler.FirstServer is { } first && sampler.LastServer is { } last && elapsed > 0
            ? last.CpuPercentSince(first, TimeSpan.FromSeconds(elapsed))
            : null;
        return new SoakSummary
        {
            ElapsedSeconds = elapsed,
            Exchanges = loops.Sum(l => l.Stats.Exchanges),
            SquaresRequested = requested,
            SquaresVerified = verified,
            SquaresPerSecond = elapsed > 0 ? verified / elapsed : 0,
            Errors = loops.Sum(l => l.Stats.Errors),
            Reconnects = loops.Sum(l => l.Stats.Reconnects),
            RssIdleMegabytes = samples.Count > 0 ? samples[0].ServerRssMegabytes : null,
            RssFirstMegabytes = loaded.Count > 0 ? loaded[0].ServerRssMegabytes : null,
            RssMinMegabytes = loaded.Count > 0 ? loaded.Min(s => s.ServerRssMegabytes) : null,
            RssMaxMegabytes = samples.Any(s => s.ServerRssMegabytes is not null) ? samples.Max(s => s.ServerRssMegabytes) : null,
            RssLastMegabytes = loaded.Count > 0 ? loaded[^1].ServerRssMegabytes : null,
            RssGrowthMegabytes = loaded.Count > 0 ? loaded[^1].ServerRssMegabytes - loaded[0].ServerRssMegabytes : null,
            RssTrendMegabytesPerHour = Trend([.. loaded.Where(s => s.ElapsedSeconds >= elapsed / 4)]),
            ServerCpuPercent = cpu,
            ServerThreadsMax = samples.Max(s => s.ServerThreads),
            ServerOpenFiles = loaded.Count > 0 && loaded[0].ServerOpenFiles is int firstFds && loaded[^1].ServerOpenFiles is int lastFds
                ? string.Create(CultureInfo.InvariantCulture, $"{firstFds}/{lastFds}")
                : null,
        };
    }

    // Least-squares slope of RSS against time, MiB per hour; only over a window long enough to mean something.
    private static double? Trend(List<SoakSample> rows)
    {
        if (rows.Count < 5 || rows[^1].ElapsedSeconds - rows[0].ElapsedSeconds < TrendMinimumSeconds)
        {
            return null;
        }

        double meanX = rows.Average(r => r.ElapsedSeconds);
        double meanY = rows.Average(r => r.ServerRssMegabytes!.Value);
        double covariance = rows.Sum(r => (r.ElapsedSeconds - meanX) * (r.ServerRssMegabytes!.Value - meanY));
        double variance = rows.Sum(r => (r.ElapsedSeconds - meanX) * (r.ElapsedSeconds - meanX));
        return variance > 0 ? covariance / variance * 3600 : null;
    }

    private static string Machine()
    {
        string cpu = "unknown processor";
        string memory = string.Empty;
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } model
                ? model[(model.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()
                : cpu;
            if (File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } total)
            {
                long kb = long.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                memory = string.Create(CultureInfo.InvariantCulture, $", {kb / 1024.0 / 1024.0:0.#} GiB RAM");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux: say less.
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{cpu}, {Environment.ProcessorCount} cores{memory}; {RuntimeInformation.OSDescription}; {RuntimeInformation.FrameworkDescription}");
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
