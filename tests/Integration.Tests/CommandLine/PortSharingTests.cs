using System.Diagnostics;
using IotSquares.Integration.Tests.Support;
using IotSquares.Server.Hosting;

namespace IotSquares.Integration.Tests.CommandLine;

/// <summary>
/// A port is never shared by accident: a second PiSquareServer on a port one is listening on exits
/// 69 with one line, whatever the two bind to; and a server stopped with clients connected can be
/// started again on the same port at once, its old connections in TIME_WAIT notwithstanding.
/// </summary>
public sealed class PortSharingTests
{
    public static TheoryData<string, string> Binds => new()
    {
        { "127.0.0.1", "127.0.0.1" },
        { "*", "*" },
        { "*", "127.0.0.1" },
        { "127.0.0.1", "*" },
        { "0.0.0.0", "0.0.0.0" },
    };

    [Theory]
    [MemberData(nameof(Binds))]
    public async Task A_second_server_on_a_taken_port_exits_69_with_one_line(string firstBind, string secondBind)
    {
        int port = ServerProcesses.FreePort();
        Process first = await ServerProcesses.StartListeningAsync(port, firstBind);
        try
        {
            var second = await ProcessRunner.RunDotnetProgramAsync("PiSquareServer", ["--port", port.ToString(), "--bind", secondBind]);

            Assert.True(second.ExitCode == ServerExitCodes.Unavailable, $"exit {second.ExitCode}\n{second.Output}\n{second.Error}");
            Assert.Equal($"PiSquareServer: cannot listen on {secondBind} port {port}: the port is in use (is another server running?)\n", second.Error);
            Assert.Empty(second.Output);
            Assert.False(first.HasExited);
        }
        finally
        {
            await ServerProcesses.StopAsync(first);
            first.Dispose();
        }
    }

    [Fact]
    public async Task A_server_stopped_with_clients_connected_restarts_on_the_same_port_at_once()
    {
        int port = ServerProcesses.FreePort();
        Process first = await ServerProcesses.StartListeningAsync(port, "127.0.0.1");
        var clients = new List<RawConnection>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                RawConnection client = await RawConnection.ConnectAsync(port);
                clients.Add(client);
                await client.SendAsync("HELLO squares/1\n7\n");
                Assert.EndsWith("49\n", await client.ReceiveUntilAsync(t => t.EndsWith("49\n", StringComparison.Ordinal)));
            }

            // The server says goodbye and closes first; each client reads to the end and closes at once,
            // which leaves the server's side of every connection in TIME_WAIT on the port.
            Task<(string Text, bool Closed)>[] goodbyes = [.. clients.Select(async client =>
            {
                var end = await client.ReceiveToEndAsync(TimeSpan.FromSeconds(30));
                client.Socket.Close();
                return end;
            })];
            Assert.Equal(ServerExitCodes.Success, await ServerProcesses.StopAsync(first));
            foreach ((string text, bool closed) in await Task.WhenAll(goodbyes))
            {
                Assert.True(closed);
                Assert.EndsWith("BYE 1 server shutting down\n", text);
            }

            clients.Clear();
            Assert.True(ServerProcesses.TimeWaitCount(port) > 0, "no connection of the stopped server is in TIME_WAIT: the test would prove nothing");
            Process second = await ServerProcesses.StartListeningAsync(port, "127.0.0.1");
            Assert.Equal(ServerExitCodes.Success, await ServerProcesses.StopAsync(second));
            second.Dispose();
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
            if (!first.HasExited)
            {
                first.Kill();
            }

            first.Dispose();
        }
    }
}
