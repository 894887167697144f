using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using IotSquares.TestKit;

namespace IotSquares.Integration.Tests.Robustness;

/// <summary>What /proc says about a process at one moment.</summary>
/// <param name="RssKiB">Resident memory now (VmRSS).</param>
/// <param name="PeakRssKiB">The most resident memory so far (VmHWM).</param>
/// <param name="Threads">Threads.</param>
/// <param name="OpenFiles">Open file descriptors (sockets included).</param>
/// <param name="Sockets">Open descriptors that are sockets: the listener and every connection.</param>
internal sealed record ProcessSample(long RssKiB, long PeakRssKiB, int Threads, int OpenFiles, int Sockets)
{
    public override string ToString() =>
        $"RSS {RssKiB / 1024.0:F1} MiB (peak {PeakRssKiB / 1024.0:F1} MiB), {Threads} threads, {OpenFiles} open files, {Sockets} sockets";
}

/// <summary>
/// Our real server program (<c>dotnet PiSquareServer.dll</c>) in a process of its own, so that its
/// memory and descriptors can be read from /proc while clients do their worst. Its log is drained
/// all the time (a full pipe would block the server's logging), counted by level and kept in part.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private const int KeptLogLines = 500;

    private readonly Process _process;
    private readonly Queue<string> _log = new();
    private readonly Dictionary<string, int> _eventCounts = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _stdout;
    private readonly Task _stderr;
    private readonly Lock _gate = new();
    private int _errors;

    private ServerProcess(Process process)
    {
        _process = process;
        _stdout = DrainAsync(process.StandardOutput, lookForPort: true);
        _stderr = DrainAsync(process.StandardError, lookForPort: false);
    }

    public int Port { get; private set; }

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

    /// <summary>The last lines of the log (stdout and stderr).</summary>
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
    /// Starts <c>dotnet PiSquareServer.dll --port 0 --bind 127.0.0.1 --log-level Warning</c> plus
    /// <paramref name="options"/>, and waits (bounded) for the port it reports.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(IEnumerable<string> options)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PiSquareServer.dll"));
        foreach (string option in (string[])["--port", "0", "--bind", "127.0.0.1", "--log-level", "Warning", .. options])
        {
            info.ArgumentList.Add(option);
        }

        // "Listening on 127.0.0.1:<port>" is logged at Information, which --log-level Warning hides;
        // without it nobody can learn the port that --port 0 chose. Keep that one category at Information.
        info.Environment["PISQUARE_Logging__LogLevel__IotSquares.Server.Hosting.SquareServerService"] = "Information";

        var server = new ServerProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet"));
        try
        {
            server.Port = await server._port.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
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

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException("the server did not stop within 30 s of SIGTERM");
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
    }

    private static long Field(string status, string name)
    {
        Match match = Regex.Match(status, "^" + name + @":\s+(\d+)", RegexOptions.Multiline);
        return match.Success
            ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"no {name} in /proc status");
    }

    private async Task DrainAsync(StreamReader reader, bool lookForPort)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                Record(line);
                if (lookForPort && ListeningLine().Match(line) is { Success: true } listening)
                {
                    _port.TrySetResult(int.Parse(listening.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            }
        }
        finally
        {
            _port.TrySetException(new InvalidOperationException(
                "the server exited before it was listening:\n" + string.Join('\n', RecentLog)));
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

    [GeneratedRegex(@"Listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();

    // The simple console logger's single-line format: "HH:mm:ss.fff warn: Category[EventId] message".
    [GeneratedRegex(@"^\S+ (trce|dbug|info|warn|fail|crit): (\S+\[\d+\])")]
    private static partial Regex LogLine();

}
