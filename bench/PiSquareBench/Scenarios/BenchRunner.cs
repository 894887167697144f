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
internal sealed partial class BenchRunner
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
