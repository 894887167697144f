using System.Diagnostics;
using IotSquares.Client;
using IotSquares.Integration.Tests.Support;
using IotSquares.Protocol;

namespace IotSquares.Integration.Tests;

/// <summary>
/// The textbook's own Python programs (transcribed in Python/) against ours, both ways: the seed's
/// client against our server, and our client against the seed's server.
/// </summary>
public sealed class PythonInteropTests
{
    [Fact]
    public async Task The_textbook_client_gets_the_greeting_and_all_hundred_squares_from_our_server()
    {
        await using TestServer server = await TestServer.StartAsync();

        var run = await ProcessRunner.RunAsync(ProcessRunner.Python(), [ProcessRunner.Script("textbook_client.py"), "127.0.0.1", server.Port.ToString()]);

        Assert.True(run.ExitCode == 0, run.Error);
        string expected = ProcessRunner.Lines(["Hello. Nice to see you.", .. Enumerable.Range(0, 100).Select(i => (i * i).ToString())]);
        Assert.Equal(expected, run.Output);
        Assert.True(await server.Events.WaitUntilAsync(e => e.Closed.Count == 1));
        Assert.Equal(100, server.Events.SquaresServed);
        // Connection ids are process-wide (other tests take some): the one connection is whichever closed.
        Assert.Contains($"{server.Events.Closed.Single().Connection} handshake Textbook 0", server.Events.Events);
    }

    [Theory]
    [InlineData(DialectChoice.Textbook)]
    [InlineData(DialectChoice.Auto)]
    public async Task Our_client_verifies_all_hundred_squares_from_the_textbook_server(DialectChoice dialect)
    {
        await using var server = await PythonServer.StartAsync();

        var (result, events) = await Clients.RunAsync(server.Port, o => o with { Dialect = dialect });

        Assert.True(result.Succeeded, result.Message + "\n" + await server.StopAsync());
        Assert.Equal(Dialect.Textbook, result.Dialect);
        Assert.Equal("Hello. Nice to see you.", result.Greeting);
        Assert.Equal(100, result.Verified);
        Assert.Equal(100, events.SquaresServed);

        string log = await server.StopAsync();
        Assert.Contains("Received  99", log);
        Assert.Equal(0, server.ExitCode);
    }

    [Fact]
    public async Task Our_framed_client_explains_that_the_textbook_server_only_speaks_textbook()
    {
        await using var server = await PythonServer.StartAsync();

        var (result, _) = await Clients.RunAsync(server.Port, o => o with { Dialect = DialectChoice.Framed });

        Assert.Equal(ClientExitCodes.ProtocolError, result.ExitCode);
        Assert.Contains("--dialect textbook", result.Message);
    }

    /// <summary>The seed's server, listening on 127.0.0.1 and a free port, for one client.</summary>
    private sealed class PythonServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _rest;

        private PythonServer(Process process, int port, Task<string> rest)
        {
            _process = process;
            Port = port;
            _rest = rest;
        }

        public int Port { get; }

        public int ExitCode => _process.ExitCode;

        public static async Task<PythonServer> StartAsync()
        {
            Process process = ProcessRunner.Start(ProcessRunner.Python(), [ProcessRunner.Script("textbook_server.py"), "127.0.0.1", "0"]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            string? first = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (first is null || !first.StartsWith("Listening on port ", StringComparison.Ordinal))
            {
                process.Kill();
                throw new InvalidOperationException($"the textbook server did not start: {first} {await process.StandardError.ReadToEndAsync()}");
            }

            return new PythonServer(process, int.Parse(first["Listening on port ".Length..]), process.StandardOutput.ReadToEndAsync());
        }

        /// <summary>Waits (bounded) for the server to end after its one client, and returns what it printed.</summary>
        public async Task<string> StopAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }

            return await _rest + await _process.StandardError.ReadToEndAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}
