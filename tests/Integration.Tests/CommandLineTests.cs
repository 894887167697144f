using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using IotSquares.Client;
using IotSquares.Integration.Tests.Support;
using IotSquares.Server.Hosting;
using IotSquares.TestKit;

namespace IotSquares.Integration.Tests;

/// <summary>The two programs as a user runs them: real processes, their output and their exit codes.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task The_client_program_runs_the_seed_exchange_and_prints_greeting_squares_and_summary()
    {
        await using TestServer server = await TestServer.StartAsync();

        var run = await ProcessRunner.RunDotnetProgramAsync("PiSquareClient", ["--host", "127.0.0.1", "--port", server.Port.ToString()]);

        Assert.True(run.ExitCode == ClientExitCodes.Success, run.Output + run.Error);
        Assert.Contains("Server: WELCOME squares/1", run.Output);
        Assert.Contains("  99 -> 9801\n", run.Output);
        Assert.Contains("Goodbye: the server counted 100 squares", run.Output);
        Assert.Matches(@"Summary: OK: 100 of 100 squares verified, 0 errors, 0 reconnects, [\d.]+ (ms|s), [\d,]+ squares/s", run.Output);
    }

    [Fact]
    public async Task The_client_program_exits_2_when_nothing_listens_and_says_it_never_connected()
    {
        int port = FreePort.OnLoopback();

        var run = await ProcessRunner.RunDotnetProgramAsync("PiSquareClient", ["--host", "127.0.0.1", "--port", port.ToString(), "--retries", "2", "--retry-delay", "50ms"]);

        Assert.Equal(ClientExitCodes.CannotConnect, run.ExitCode);
        Assert.Contains($"cannot connect to 127.0.0.1:{port}", run.Error);
        Assert.Contains("trying again in", run.Error);
        Assert.Contains("(retry 2 of 2)", run.Error);
        Assert.DoesNotContain("reconnect", run.Error);
        Assert.Contains("gave up after 3 attempts", run.Error);
        Assert.Contains("never connected (3 attempts)", run.Output);
        Assert.DoesNotContain("reconnect", run.Output);
    }

    [Theory]
    [InlineData("--count", "1e3")]
    [InlineData("--port", "abc")]
    [InlineData("--count", "99999999999999999999")]
    [InlineData("--pipeline", "x")]
    [InlineData("--connect-timeout", "x")]
    [InlineData("--spin", "x")]
    [InlineData("--no-such-option", "1")]
    public async Task The_client_program_exits_1_with_one_line_on_a_bad_command_line(string option, string value)
    {
        var run = await ProcessRunner.RunDotnetProgramAsync("PiSquareClient", [option, value]);

        Assert.Equal(ClientExitCodes.Usage, run.ExitCode);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"PiSquareClient: ", run.Error);
        Assert.Contains(option, run.Error);
        Assert.Empty(run.Output);
    }

    [Theory]
    [InlineData("--port", "abc", ServerExitCodes.Usage)]
    [InlineData("--bogus", "1", ServerExitCodes.Usage)]
    [InlineData("--log-level", "foo", ServerExitCodes.Usage)]
    [InlineData("--idle-timeout", "5x", ServerExitCodes.Usage)]
    [InlineData("--idle-timeout", "2d", ServerExitCodes.Configuration)]
    public async Task The_server_program_gives_one_line_and_its_exit_code_on_a_bad_command_line(string option, string value, int exitCode)
    {
        var run = await ProcessRunner.RunDotnetProgramAsync("PiSquareServer", [option, value, "--port", "0"]);

        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}: {run.Error}");
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("PiSquareServer: ", run.Error);
        Assert.Contains(option, run.Error);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task The_client_program_refuses_pipelining_in_the_textbook_dialect()
    {
        var run = await ProcessRunner.RunDotnetProgramAsync("PiSquareClient", ["--dialect", "textbook", "--pipeline", "8"]);

        Assert.Equal(ClientExitCodes.Usage, run.ExitCode);
        Assert.Contains("lockstep", run.Error);
    }

    [Fact]
    public async Task The_client_program_exits_4_and_names_the_number_when_a_square_is_wrong()
    {
        // A lying server: correct greeting, then n*n+1 for n = 3.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Task liar = Task.Run(async () =>
        {
            using Socket peer = await listener.AcceptSocketAsync();
            var connection = new NetworkStream(peer);
            using var reader = new StreamReader(connection);
            await reader.ReadLineAsync();
            await connection.WriteAsync("WELCOME squares/1\n"u8.ToArray());
            for (int i = 0; i < 5; i++)
            {
                int n = int.Parse((await reader.ReadLineAsync())!);
                await connection.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"{(n == 3 ? n * n + 1 : n * n)}\n"));
            }
        });

        var run = await ProcessRunner.RunDotnetProgramAsync("PiSquareClient", ["--host", "127.0.0.1", "--port", Port(listener).ToString(), "--count", "5"]);

        Assert.Equal(ClientExitCodes.WrongSquare, run.ExitCode);
        Assert.Contains("wrong square for 3: expected 9, the server sent 10", run.Error);
        Assert.Contains("3 of 5 squares verified", run.Output);
    }

    [Fact]
    public async Task The_client_program_exits_5_when_the_server_goes_silent()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        var run = await ProcessRunner.RunDotnetProgramAsync("PiSquareClient", ["--host", "127.0.0.1", "--port", Port(listener).ToString(), "--receive-timeout", "0.5", "--retries", "0"]);

        Assert.Equal(ClientExitCodes.Timeout, run.ExitCode);
        Assert.Contains("no greeting from the server within 500 ms", run.Error);
    }

    [Fact]
    public async Task The_server_program_serves_then_stops_gracefully_on_SIGTERM()
    {
        await using ServerProcess server = await ServerProcess.StartAsync([]);

        var (result, _) = await Clients.RunAsync(server.Port, o => o with { Count = 20 });
        int exitCode = await server.StopAsync();
        string log = server.Describe();

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(ServerExitCodes.Success, exitCode);
        Assert.Contains("info: exchange[407] Connection 1: closed (ClientGoodbye) 127.0.0.1:", log);
        Assert.Contains(", 20 squares served", log);
        Assert.Contains("Stopped", log);
    }

    [Fact]
    public async Task The_server_program_exits_78_with_every_reason_when_the_configuration_is_invalid()
    {
        // Settings from the environment are named as settings; the ones from the command line as options.
        var run = await RunWithEnvironmentAsync(
            "PiSquareServer",
            ["--port", "70000", "--max-connections", "0"],
            ("PISQUARE_Server__IdleTimeout", "5 days"),
            ("PISQUARE_Server__HandshakeTimeout", "2d"),
            ("PISQUARE_Server__MaxConnections", "5"));

        Assert.Equal(ServerExitCodes.Configuration, run.ExitCode);
        Assert.Contains("PiSquareServer: invalid configuration: --port must be 0-65535, not 70000.", run.Error);
        Assert.Contains("PiSquareServer: invalid configuration: --max-connections must be at least 1, not 0.", run.Error);
        Assert.Contains("Server:IdleTimeout must be a duration such as 500ms", run.Error);
        Assert.Contains("Server:HandshakeTimeout must be more than zero and at most a day, not 2 d.", run.Error);
        Assert.Equal(4, run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task The_server_program_exits_69_when_its_port_is_taken()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();

        var run = await ProcessRunner.RunDotnetProgramAsync("PiSquareServer", ["--port", Port(taken).ToString(), "--bind", "127.0.0.1"]);

        Assert.Equal(ServerExitCodes.Unavailable, run.ExitCode);
        Assert.Equal($"PiSquareServer: cannot listen on 127.0.0.1 port {Port(taken)}: the port is in use (is another server running?)\n", run.Error);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task The_server_program_explains_its_options()
    {
        var run = await ProcessRunner.RunDotnetProgramAsync("PiSquareServer", ["--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--port", run.Output);
        Assert.Contains("--bind", run.Output);
        Assert.Contains("PISQUARE_Server__", run.Output);
    }

    [Fact]
    public async Task The_server_program_takes_durations_in_human_units_from_the_environment()
    {
        // IdleTimeout=5 is five seconds, not TimeSpan's five days (which the validator would refuse).
        await using ServerProcess server = await ServerProcess.StartAsync(
            ["--handshake-timeout", "1500ms"], environment: new Dictionary<string, string> { ["PISQUARE_Server__IdleTimeout"] = "5" });
        using RawConnection silent = await RawConnection.ConnectAsync(server.Port);
        (string text, bool closed) = await silent.ReceiveToEndAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ServerExitCodes.Success, await server.StopAsync());

        Assert.True(closed);
        Assert.Equal("ERR 504 timed out\n", text);
    }

    [Fact]
    public async Task The_server_program_exits_78_with_one_line_for_a_log_level_it_cannot_read()
    {
        var run = await RunWithEnvironmentAsync("PiSquareServer", ["--port", "0", "--bind", "127.0.0.1"], ("PISQUARE_Logging__LogLevel__Default", "foo"));

        Assert.Equal(ServerExitCodes.Configuration, run.ExitCode);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Logging:LogLevel", run.Error);
        Assert.DoesNotContain("   at ", run.Error + run.Output);
    }

    private static Process StartWithEnvironment(string program, string[] arguments, params (string Name, string Value)[] environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program + ".dll"));
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment)
        {
            info.Environment[name] = value;
        }

        return Process.Start(info)!;
    }

    private static async Task<ProcessRunner.Result> RunWithEnvironmentAsync(string program, string[] arguments, params (string Name, string Value)[] environment)
    {
        using Process process = StartWithEnvironment(program, arguments, environment);
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new ProcessRunner.Result(process.ExitCode, await output, await error);
    }

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;
}
