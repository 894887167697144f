using System.Diagnostics;
using System.Net.Sockets;
using IotSquares.Client.Exchange;
using IotSquares.Integration.Tests.Support;
using IotSquares.TestKit;

namespace IotSquares.Integration.Tests.Systemd;

/// <summary>
/// Socket activation with systemd's own launcher, <c>systemd-socket-activate</c>: it opens the listening
/// socket, waits for the first client, then starts the real server with the socket as descriptor 3 and
/// LISTEN_FDS/LISTEN_PID set, as a .socket unit does. The server must serve on that socket and bind
/// nothing of its own.
/// </summary>
public sealed class SocketActivationTests
{
    private static readonly string? Launcher = new[] { "/usr/bin/systemd-socket-activate", "/bin/systemd-socket-activate", "/usr/lib/systemd/systemd-socket-activate" }
        .FirstOrDefault(File.Exists);

    [SkippableSocketActivationFact]
    public async Task The_server_serves_the_seed_on_the_socket_systemd_passed_and_binds_none_of_its_own()
    {
        int activated = FreePort.OnLoopback();
        int ownPort = FreePort.OnLoopback();
        using Process launcher = StartLauncher(activated, ownPort);
        var stderr = new List<string>();
        Task draining = DrainAsync(launcher, stderr);
        try
        {
            // The launcher says when its socket is open; the server itself starts only with the first client.
            await WaitForAsync(() => Lines(stderr).Any(l => l.Contains($"127.0.0.1:{activated}", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "the launcher's socket", () => Lines(stderr));

            (ExchangeResult result, _) = await Clients.RunAsync(activated, o => o with { ReceiveTimeout = TimeSpan.FromSeconds(120), Retry = new RetryPolicy(0, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)) });

            Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}, {result.Verified} verified\n{string.Join('\n', Lines(stderr))}");
            Assert.Equal(100, result.Verified);
            Assert.Equal(0, result.Reconnects);
            Assert.Contains(Lines(stderr), l => l.Contains($"Listening on 127.0.0.1:{activated}", StringComparison.Ordinal));
            // Its own --port was never bound: the socket from systemd replaced it.
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            SocketException refused = await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync("127.0.0.1", ownPort));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
        finally
        {
            // The launcher exec()s the server in its own process: SIGTERM reaches the server, which drains and exits 0.
            if (!launcher.HasExited)
            {
                _ = LinuxProcessCalls.Kill(launcher.Id, LinuxProcessCalls.SigTerm);
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await launcher.WaitForExitAsync(deadline.Token);
            await draining;
        }

        Assert.Equal(0, launcher.ExitCode);
    }

    [Fact]
    public async Task Variables_meant_for_another_process_are_ignored_and_the_server_binds_its_own_port()
    {
        // LISTEN_PID names another process (as after a fork): its descriptor 3 is not ours to take.
        // Ready (READY=1) on the free port it was given proves it bound that port itself.
        await using ServerProcess server = await ServerProcess.StartAsync(
            [], environment: new Dictionary<string, string> { ["LISTEN_FDS"] = "1", ["LISTEN_PID"] = "1" });
        int port = server.Port;

        (ExchangeResult result, _) = await Clients.RunAsync(port);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(0, await server.StopAsync());
    }

    private static Process StartLauncher(int activated, int ownPort)
    {
        var info = new ProcessStartInfo(Launcher!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // The launcher gives the program only the variables named with -E (and LISTEN_*).
        string[] passed = ["PATH", "HOME", "DOTNET_ROOT", "DOTNET_CLI_HOME", "DOTNET_NOLOGO"];
        string[] arguments =
        [
            "-l", $"127.0.0.1:{activated}",
            .. passed.Where(v => Environment.GetEnvironmentVariable(v) is not null).SelectMany(v => (string[])["-E", v]),
            "-E", "PISQUARE_Hardware__Backend=none",
            Dotnet(), Path.Combine(AppContext.BaseDirectory, "PiSquareServer.dll"), "--bind", "127.0.0.1", "--port", ownPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start systemd-socket-activate");
    }

    private static string Dotnet() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "dotnet")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("dotnet is not on PATH");

    private static Task DrainAsync(Process process, List<string> lines) => Task.WhenAll(Drain(process.StandardError, lines), Drain(process.StandardOutput, lines));

    private static async Task Drain(StreamReader reader, List<string> lines)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    private static string[] Lines(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan limit, string what, Func<IEnumerable<string>> output)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < limit, $"no {what} within {limit.TotalSeconds} s:\n{string.Join('\n', output())}");
            await Task.Delay(50);
        }
    }

    /// <summary>Runs where systemd's launcher is installed (the systemd package; .ci/run installs it), else skips saying so.</summary>
    private sealed class SkippableSocketActivationFactAttribute : FactAttribute
    {
        public SkippableSocketActivationFactAttribute()
        {
            if (Launcher is null)
            {
                Skip = "systemd-socket-activate is not installed (apt-get install systemd); .ci/run installs the systemd package";
            }
        }
    }
}
