using System.Diagnostics;
using System.Globalization;
using IotSquares.TestKit;

namespace IotSquares.Soak.Monitoring;

/// <summary>
/// A PiSquareServer the tool starts itself: <c>dotnet PiSquareServer.dll --port P --bind 127.0.0.1</c> on a
/// free port, ready when it says <c>READY=1</c> on a notification socket of ours (<see cref="ReadyServer"/>, as
/// systemd would hear it), its log read as it comes, stopped at the end with SIGTERM as systemd would.
/// </summary>
internal sealed class ChildServer : IServerChild, IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    // Set by a service manager that runs this tool; they would confuse the server, which has its own.
    private static readonly string[] InheritedServiceVariables =
        ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "INVOCATION_ID", "LISTEN_FDS", "LISTEN_PID"];

    private readonly Process _process;
    private readonly NotifyListener _notify;

    private ChildServer(Process process, NotifyListener notify, ServerLog log, string path, int port)
    {
        _process = process;
        _notify = notify;
        Log = log;
        Path = path;
        Port = port;
    }

    /// <summary>The server's process id (the dotnet host runs the server in its own process).</summary>
    public int Pid => _process.Id;

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>The server's log.</summary>
    public ServerLog Log { get; }

    /// <summary>The server's assembly.</summary>
    public string Path { get; }

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts the server on 127.0.0.1 and a free port, and waits until it is ready.</summary>
    /// <exception cref="InvalidOperationException">It could not be started, or exited before it was ready.</exception>
    /// <exception cref="TimeoutException">It was not ready in time.</exception>
    public static Task<ChildServer> StartAsync(string serverDll, string? logCopyPath) =>
        ReadyServer.StartAsync((port, notify) => Launch(serverDll, logCopyPath, port, notify), readyTimeout: StartTimeout);

    /// <summary>Sends SIGTERM and waits for the exit; kills the server if it does not exit in time.</summary>
    public async Task<ServerStop> StopAsync()
    {
        if (_process.HasExited)
        {
            await _process.WaitForExitAsync();
            Log.Flush();
            return new ServerStop(ExitedBeforeStop: true, _process.ExitCode, 0, Killed: false);
        }

        var clock = Stopwatch.StartNew();
        if (LinuxProcessCalls.Kill(_process.Id, LinuxProcessCalls.SigTerm) != 0 && !_process.HasExited)
        {
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"kill(SIGTERM) failed for pid {_process.Id}; killing the server"));
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            // Also waits for the end of its output, so the log is complete.
            await _process.WaitForExitAsync(timeout.Token);
            Log.Flush();
            return new ServerStop(ExitedBeforeStop: false, _process.ExitCode, clock.Elapsed.TotalSeconds, Killed: false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            Log.Flush();
            return new ServerStop(ExitedBeforeStop: false, null, clock.Elapsed.TotalSeconds, Killed: true);
        }
    }

    /// <inheritdoc />
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public string Describe() => string.Join(Environment.NewLine, Log.Tail);

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }

        _process.Dispose();
        _notify.Dispose();
        Log.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static ChildServer Launch(string serverDll, string? logCopyPath, int port, NotifyListener notify)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = System.IO.Path.GetDirectoryName(serverDll)!,
        };
        foreach (string argument in (string[])[serverDll, "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1"])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (string name in InheritedServiceVariables)
        {
            info.Environment.Remove(name);
        }

        info.Environment["NOTIFY_SOCKET"] = notify.Address;
        var log = new ServerLog(logCopyPath);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => log.Add(e.Data);
        process.ErrorDataReceived += (_, e) => log.Add(e.Data);
        try
        {
            if (!process.Start())
            {
                throw new InvalidOperationException($"could not start {info.FileName} {serverDll}");
            }
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            log.Dispose();
            throw new InvalidOperationException($"could not start {info.FileName}: {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildServer(process, notify, log, serverDll, port);
    }

    // The dotnet host that runs this tool, if it runs under one; otherwise dotnet from PATH.
    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && System.IO.Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
