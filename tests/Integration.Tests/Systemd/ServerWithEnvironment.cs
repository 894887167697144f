using System.Diagnostics;
using System.Runtime.InteropServices;
using IotSquares.TestKit;

namespace IotSquares.Integration.Tests.Systemd;

/// <summary>
/// The real server program (<c>dotnet PiSquareServer.dll</c>) in its own process, with environment
/// variables a service manager would set (<c>NOTIFY_SOCKET</c>, <c>WATCHDOG_USEC</c>, <c>JOURNAL_STREAM</c>…).
/// Its output is drained all the time and kept, and it is stopped the way systemd stops it: SIGTERM.
/// </summary>
internal sealed class ServerWithEnvironment : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly Lock _gate = new();
    private readonly Task _draining;

    private ServerWithEnvironment(Process process)
    {
        _process = process;
        _draining = Task.WhenAll(DrainAsync(process.StandardOutput), DrainAsync(process.StandardError));
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the server printed so far, stdout and stderr interleaved as read.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_gate)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>Starts the server on 127.0.0.1 with a free port, plus <paramref name="arguments"/>.</summary>
    public static ServerWithEnvironment Start(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Start(new ProcessStartInfo("dotnet"), environment, arguments);

    /// <summary>
    /// Starts the server with <c>JOURNAL_STREAM</c> naming its own standard output, as systemd does for a
    /// service whose output goes to the journal (the inode of the pipe we read, found by a shell with stat(1)).
    /// </summary>
    public static ServerWithEnvironment StartWithJournalStream(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("JOURNAL_STREAM=0:$(stat -L -c %i /proc/$$/fd/1) && export JOURNAL_STREAM && exec dotnet \"$@\"");
        info.ArgumentList.Add("sh");
        return Start(info, environment, arguments);
    }

    private static ServerWithEnvironment Start(ProcessStartInfo info, IReadOnlyDictionary<string, string> environment, string[] arguments)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PiSquareServer.dll"));
        foreach (string argument in (string[])["--port", "0", "--bind", "127.0.0.1", .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        // Whatever this test run inherited from its own service manager must not leak into the server.
        foreach (string name in (string[])["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "INVOCATION_ID", "LISTEN_FDS", "LISTEN_PID"])
        {
            info.Environment.Remove(name);
        }

        foreach ((string name, string value) in environment)
        {
            info.Environment[name] = value;
        }

        return new ServerWithEnvironment(Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}"));
    }

    /// <summary>Sends SIGTERM and waits (bounded) for the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited && LinuxProcessCalls.Kill(_process.Id, LinuxProcessCalls.SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return await WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits (bounded) for the server to exit by itself.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the server did not exit within {timeout.TotalSeconds:0} s; output:\n{string.Join('\n', Output)}");
        }

        await _draining.WaitAsync(TimeSpan.FromSeconds(10));
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

    private async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_gate)
            {
                _output.Add(line);
            }
        }
    }
}
