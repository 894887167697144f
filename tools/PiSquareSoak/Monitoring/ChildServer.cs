using System.Diagnostics;
using System.Globalization;
using IotSquares.TestKit;

namespace IotSquares.Soak.Monitoring;

/// <summary>
/// A PiSquareServer the tool starts itself: <c>dotnet PiSquareServer.dll --port 0 --bind 127.0.0.1</c>,
/// its log read as it comes, stopped at the end with SIGTERM as systemd would.
/// </summary>
internal sealed class ChildServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;

    private ChildServer(Process process, ServerLog log, string path)
    {
        _process = process;
        Log = log;
        Path = path;
    }

    /// <summary>The server's process id (the dotnet host runs the server in its own process).</summary>
    public int Pid => _process.Id;

    /// <summary>The port it listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The server's log.</summary>
    public ServerLog Log { get; }

    /// <summary>The server's assembly.</summary>
    public string Path { get; }

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts the server on 127.0.0.1 and a free port, and waits until it listens.</summary>
    /// <exception cref="InvalidOperationException">It could not be started or did not listen in time.</exception>
    public static async Task<ChildServer> StartAsync(string serverDll, string? logCopyPath, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = System.IO.Path.GetDirectoryName(serverDll)!,
        };
        foreach (string argument in (string[])[serverDll, "--port", "0", "--bind", "127.0.0.1"])
        {
            info.ArgumentList.Add(argument);
        }

        var log = new ServerLog(logCopyPath);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => log.Add(e.Data);
        process.ErrorDataReceived += (_, e) => log.Add(e.Data);
        process.Exited += (_, _) => log.ServerExited(process.ExitCode);
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
        var server = new ChildServer(process, log, serverDll);
        try
        {
            server.Port = await log.Listening.WaitAsync(StartTimeout, cancellationToken);
            return server;
        }
        catch (TimeoutException)
        {
            await server.StopAsync();
            server.Dispose();
            throw new InvalidOperationException(
                $"the server did not log 'Listening on 127.0.0.1:<port>' within {StartTimeout.TotalSeconds:0} s:{Environment.NewLine}{string.Join(Environment.NewLine, log.Tail)}");
        }
        catch
        {
            await server.StopAsync();
            server.Dispose();
            throw;
        }
    }

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
        Log.Dispose();
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
