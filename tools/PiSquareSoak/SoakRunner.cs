using System.Diagnostics;
using System.Globalization;
using IotSquares.CommandLine;
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
    // Once the time is up, exchanges already under way may finish; after this they are cancelled.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(90);

    private readonly SoakSettings _settings;
    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly List<SoakSample> _samples = [];

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
        if (_settings.External)
        {
            return await SoakAsync(string.Create(CultureInfo.InvariantCulture, $"{_settings.Host}:{_settings.Port}"), null, cancellationToken);
        }

        string? dll = _settings.ServerPath ?? ServerLocator.Find();
        if (dll is null || !File.Exists(dll))
        {
            await _error.WriteLineAsync(dll is null
                ? "PiSquareSoak: cannot find PiSquareServer.dll; build the solution first (dotnet build) or pass --server <path>."
                : $"PiSquareSoak: no such file: {dll}");
            return SoakExitCodes.ServerFailed;
        }

        string server = Path.GetFullPath(dll);
        await _out.WriteLineAsync($"Starting {server} on 127.0.0.1, a free port");
        ChildServer child;
        try
        {
            child = await ChildServer.StartAsync(server, _settings.ServerLogPath).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            await _error.WriteLineAsync($"PiSquareSoak: {ex.Message}");
            return SoakExitCodes.ServerFailed;
        }
        catch (OperationCanceledException)
        {
            return SoakExitCodes.Interrupted;
        }

        using (child)
        {
            return await SoakAsync(server, child, cancellationToken);
        }
    }

    private async Task<int> SoakAsync(string server, ChildServer? child, CancellationToken cancellationToken)
    {
        string host = child is null ? _settings.Host : "127.0.0.1";
        int port = child?.Port ?? _settings.Port!.Value;
        int? pid = child?.Pid ?? _settings.ServerPid;
        var errors = new ErrorLog();
        ClientLoop[] loops = CreateLoops(host, port, errors);
        var sampler = new Sampler([.. loops.Select(l => l.Stats)], pid);

        await AnnounceAsync(host, port, pid, loops);
        await RecordAsync(sampler.Take(TimeSpan.Zero));
        DateTimeOffset started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task all = Task.WhenAll(loops.Select(loop => Task.Run(() => RunLoopAsync(loop, clock, _settings.Duration, run.Token), CancellationToken.None)));

        (bool interrupted, bool serverDied) = await SampleUntilTheEndAsync(sampler, clock, child, cancellationToken);
        if (interrupted || serverDied)
        {
            await run.CancelAsync();
        }

        await DrainAsync(all, run);
        double elapsed = clock.Elapsed.TotalSeconds;

        // The last row, unless a row was just taken (the run was cut short).
        if (elapsed - _samples[^1].ElapsedSeconds >= 1)
        {
            await RecordAsync(sampler.Take(clock.Elapsed));
        }

        ServerStop? stop = child is null ? null : await StopServerAsync(child);
        SoakSummary summary = SoakSummaries.Summarise(loops, _samples, sampler, elapsed);
        int exitCode = ExitCode(interrupted, serverDied, summary, stop);
        await WriteReportAsync(new SoakReport
        {
            StartedUtc = started,
            Machine = SoakSummaries.Machine(),
            Server = server,
            ServerPid = pid,
            Clients = _settings.Clients,
            Minutes = _settings.Duration.TotalMinutes,
            Rate = _settings.Rate,
            SampleSeconds = _settings.SampleInterval.TotalSeconds,
            Seed = _settings.Seed,
            Interrupted = interrupted || serverDied,
            Samples = _samples,
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
        });
        return exitCode;
    }

    private static int ExitCode(bool interrupted, bool serverDied, SoakSummary summary, ServerStop? stop) =>
        interrupted ? SoakExitCodes.Interrupted
        : summary.Errors > 0 ? SoakExitCodes.ExchangeErrors
        : serverDied || (stop is not null && !stop.Clean) ? SoakExitCodes.ServerFailed
        : SoakExitCodes.Success;

    private ClientLoop[] CreateLoops(string host, int port, ErrorLog errors)
    {
        double perClient = _settings.Rate / _settings.Clients;
        return [.. Enumerable.Range(0, _settings.Clients)
            .Select(i => new ClientLoop(ClientProfile.For(i), host, port, perClient, (_settings.Seed * 10_007) + i, errors))];
    }

    private async Task AnnounceAsync(string host, int port, int? pid, ClientLoop[] loops)
    {
        string rate = _settings.Rate > 0 ? $"{CountText.Format(_settings.Rate)} squares/s in all" : "unthrottled";
        await _out.WriteLineAsync(
            $"Soaking {host}:{port}{(pid is int p ? $" (pid {p})" : string.Empty)}: {CountText.Of(_settings.Clients, "client", "clients")} " +
            $"for {DurationText.Format(_settings.Duration)}, {rate}, a row every {DurationText.Format(_settings.SampleInterval)}");
        await _out.WriteLineAsync("Clients: " + string.Join(", ", loops.GroupBy(l => l.Stats.Profile.Name).Select(g => $"{g.Count()} {g.Key}")));
        await _out.WriteLineAsync(ReportWriter.ConsoleHeader());
    }

    // A row every sample interval until the time is up, Ctrl+C, or the server's death; the last row is taken after the drain.
    private async Task<(bool Interrupted, bool ServerDied)> SampleUntilTheEndAsync(Sampler sampler, Stopwatch clock, ChildServer? child, CancellationToken cancellationToken)
    {
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
                return (true, false);
            }

            if (due >= _settings.Duration)
            {
                break;
            }

            await RecordAsync(sampler.Take(clock.Elapsed));
            if (child is { HasExited: true })
            {
                await _error.WriteLineAsync("PiSquareSoak: the server has exited; stopping the run.");
                return (false, true);
            }
        }

        return (false, false);
    }

    private async Task RecordAsync(SoakSample sample)
    {
        _samples.Add(sample);
        await _out.WriteLineAsync(ReportWriter.ConsoleRow(sample));
    }

    private async Task<ServerStop> StopServerAsync(ChildServer child)
    {
        if (!child.HasExited)
        {
            await _out.WriteLineAsync("Stopping the server with SIGTERM");
        }

        return await child.StopAsync();
    }

    private async Task WriteReportAsync(SoakReport report)
    {
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
            await _error.WriteLineAsync($"PiSquareSoak: exchanges still under way {DurationText.Format(DrainTimeout)} after the end; cancelling them.");
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

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
