using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using IotSquares.Server.Hosting;
using IotSquares.TestKit;

namespace IotSquares.Integration.Tests.Support;

/// <summary>
/// Our real server program (<c>dotnet PiSquareServer.dll</c>) in a process of its own: the one way the
/// tests start it. It is ready when it says <c>READY=1</c> on a notification socket of the test's own
/// (sd_notify, as systemd would hear it), never when a log line appears. Its log is drained all the
/// time (a full pipe would block the server's logging), counted by level and kept in part; /proc gives
/// its memory and descriptors; it stops on SIGTERM as under systemd, or dies on SIGKILL.
/// </summary>
internal sealed partial class ServerProcess : IServerChild
{
    private const int KeptLogLines = 2000;

    private readonly Process _process;
    private readonly Queue<string> _log = new();
    private readonly Dictionary<string, int> _eventCounts = new(StringComparer.Ordinal);
    private readonly NotifyListener? _notify;
    private readonly Task _stdout;
    private readonly Task _stderr;
    private readonly Lock _gate = new();
    private int _errors;

    private ServerProcess(Process process, int port, NotifyListener? notify)
    {
        _process = process;
        _notify = notify;
        Port = port;
        _stdout = DrainAsync(process.StandardOutput);
        _stderr = DrainAsync(process.StandardError);
    }

    public int Port { get; }

    /// <summary>What the server told its notification socket (READY=1, STATUS=…, WATCHDOG=1), when this helper gave it one.</summary>
    public NotifyListener Notifications => _notify ?? throw new InvalidOperationException("started without a notification socket of ours");

    /// <summary>The sockets the server held when it became ready (listeners and its own): what "no connections" looks like.</summary>
    public int SocketsWhenReady { get; private set; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Log lines at Error or Critical (<c>fail:</c>, <c>crit:</c>): none is expected.</summary>
    public int Errors
    {
        get
        {
            lock (_gate)
            {
                return _errors;
            }
        }
    }

    /// <summary>How many log lines each category[event id] wrote, e.g. <c>warn LoggingExchangeObserver[405]</c>.</summary>
    public IReadOnlyDictionary<string, int> EventCounts
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_eventCounts, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The last lines of the log (stdout and stderr, interleaved as read).</summary>
    public IReadOnlyList<string> RecentLog
    {
        get
        {
            lock (_gate)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>
    /// Starts <c>dotnet PiSquareServer.dll --bind B --port P</c> plus <paramref name="options"/> and waits
    /// (bounded) for <c>READY=1</c> (<see cref="ReadyServer"/>). Without <paramref name="port"/> it picks a free
    /// port, and another one if that was taken in the meantime; with it, it waits (bounded) for that very port
    /// to be free again, for a restart on the port a client keeps calling, unless <paramref name="retryWhileTaken"/> is false.
    /// </summary>
    /// <param name="options">Options after <c>--port</c>.</param>
    /// <param name="port">The port, or null for a free one.</param>
    /// <param name="environment">Variables to set (after removing what this test run inherited from a service manager).</param>
    /// <param name="bind">The <c>--bind</c> value.</param>
    /// <param name="retryWhileTaken">With <paramref name="port"/>: whether to wait for it to be free.</param>
    /// <param name="journal">Start it with <c>JOURNAL_STREAM</c> naming its own standard output, as systemd does for the journal.</param>
    public static async Task<ServerProcess> StartAsync(
        IEnumerable<string> options,
        int? port = null,
        IReadOnlyDictionary<string, string>? environment = null,
        string bind = "127.0.0.1",
        bool retryWhileTaken = true,
        bool journal = false)
    {
        string[] arguments = [.. options];
        ServerProcess server = await ReadyServer.StartAsync(
            (chosen, notify) => new ServerProcess(
                Launch(bind, ["--port", chosen.ToString(CultureInfo.InvariantCulture), .. arguments], environment, notify.Address, journal), chosen, notify),
            port,
            retryWhileTaken);
        server.SocketsWhenReady = server.Sample().Sockets;
        return server;
    }

    /// <summary>
    /// Starts the server with exactly <paramref name="arguments"/> (after <c>--bind 127.0.0.1 --port 0</c>, or
    /// a given port) and <paramref name="environment"/>, and does not wait: for tests that watch the
    /// start themselves (their own <c>NOTIFY_SOCKET</c>, a log line that is the point of the test).
    /// </summary>
    public static ServerProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Start(environment, 0, arguments);

    /// <inheritdoc cref="Start(IReadOnlyDictionary{string, string}, string[])"/>
    public static ServerProcess Start(IReadOnlyDictionary<string, string> environment, int port, params string[] arguments) =>
        new(Launch("127.0.0.1", ["--port", port.ToString(CultureInfo.InvariantCulture), .. arguments], environment, notifySocket: null), port, null);

    private static Process Launch(string bind, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, string? notifySocket, bool journal = false)
    {
        var info = new ProcessStartInfo(journal ? "/bin/sh" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (journal)
        {
            // The journal stream is the inode of the pipe we read, found by a shell with stat(1); the shell then becomes dotnet.
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("JOURNAL_STREAM=0:$(stat -L -c %i /proc/$$/fd/1) && export JOURNAL_STREAM && exec dotnet \"$@\"");
            info.ArgumentList.Add("sh");
        }

        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PiSquareServer.dll"));
        foreach (string argument in (string[])["--bind", bind, .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        // Whatever this test run inherited from its own service manager must not leak into the server.
        foreach (string name in (string[])["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "INVOCATION_ID", "LISTEN_FDS", "LISTEN_PID"])
        {
            info.Environment.Remove(name);
        }

        if (notifySocket is not null)
        {
            info.Environment["NOTIFY_SOCKET"] = notifySocket;
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
    }

    /// <summary>Reads VmRSS, VmHWM, Threads and the open descriptors from /proc.</summary>
    public ProcessSample Sample()
    {
        string status = File.ReadAllText($"/proc/{Pid}/status");
        int openFiles = 0;
        int sockets = 0;
        foreach (string descriptor in Directory.EnumerateFileSystemEntries($"/proc/{Pid}/fd"))
        {
            openFiles++;
            try
            {
                if (new FileInfo(descriptor).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true)
                {
                    sockets++;
                }
            }
            catch (IOException)
            {
                // Closed between the listing and the look: it no longer counts.
            }
        }

        return new ProcessSample(Field(status, "VmRSS"), Field(status, "VmHWM"), (int)Field(status, "Threads"), openFiles, sockets);
    }

    /// <summary>Stops the server as systemd does (SIGTERM) and returns its exit code; kills it after 30 s.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited && LinuxProcessCalls.Kill(_process.Id, LinuxProcessCalls.SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return await WaitForExitCodeAsync();
    }

    /// <summary>SIGKILL, and waits (bounded) until the process is gone: no goodbye, no FIN from the server.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await WaitForExitCodeAsync();
    }

    /// <inheritdoc />
    Task<int> IServerChild.WaitForExitAsync() => WaitForExitCodeAsync(Timeout.InfiniteTimeSpan);

    /// <inheritdoc />
    public string Describe() => string.Join('\n', RecentLog);

    /// <summary>Waits (bounded) for the server to exit by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitCodeAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the server did not exit in time; log:\n{string.Join('\n', RecentLog)}");
        }

        await Task.WhenAll(_stdout, _stderr).WaitAsync(TimeSpan.FromSeconds(10));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _process.Dispose();
        _notify?.Dispose();
    }

    private static long Field(string status, string name)
    {
        Match match = Regex.Match(status, "^" + name + @":\s+(\d+)", RegexOptions.Multiline);
        return match.Success
            ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"no {name} in /proc status");
    }

    private async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            Record(line);
        }
    }

    private void Record(string line)
    {
        lock (_gate)
        {
            _log.Enqueue(line);
            if (_log.Count > KeptLogLines)
            {
                _log.Dequeue();
            }

            if (LogLine().Match(line) is { Success: true } entry)
            {
                string level = entry.Groups[1].Value;
                string category = entry.Groups[2].Value;
                string key = $"{level} {category[(category.LastIndexOf('.') + 1)..]}";
                _eventCounts[key] = _eventCounts.GetValueOrDefault(key) + 1;
                if (level is "fail" or "crit")
                {
                    _errors++;
                }
            }
        }
    }

    // The simple console logger's single-line format: "HH:mm:ss.fff warn: Category[EventId] message".
    [GeneratedRegex(@"^\S+ (trce|dbug|info|warn|fail|crit): (\S+\[\d+\])")]
    private static partial Regex LogLine();
}
