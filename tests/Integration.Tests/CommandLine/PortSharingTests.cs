using System.Globalization;
using IotSquares.Integration.Tests.Support;
using IotSquares.Server.Hosting;
using IotSquares.TestKit;

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
        await using ServerProcess first = await ServerProcess.StartAsync([], FreePort.OnAllInterfaces(), bind: firstBind);

        var second = await ProcessRunner.RunDotnetProgramAsync("PiSquareServer", ["--port", first.Port.ToString(), "--bind", secondBind]);

        Assert.True(second.ExitCode == ServerExitCodes.Unavailable, $"exit {second.ExitCode}\n{second.Output}\n{second.Error}");
        Assert.Equal($"PiSquareServer: cannot listen on {secondBind} port {first.Port}: the port is in use (is another server running?)\n", second.Error);
        Assert.Empty(second.Output);
        Assert.False(first.HasExited);
        Assert.Equal(ServerExitCodes.Success, await first.StopAsync());
    }

    [Fact]
    public async Task A_server_stopped_with_clients_connected_restarts_on_the_same_port_at_once()
    {
        await using ServerProcess first = await ServerProcess.StartAsync([]);
        int port = first.Port;
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
            Assert.Equal(ServerExitCodes.Success, await first.StopAsync());
            foreach ((string text, bool closed) in await Task.WhenAll(goodbyes))
            {
                Assert.True(closed);
                Assert.EndsWith("BYE 1 server shutting down\n", text);
            }

            clients.Clear();
            Assert.True(TimeWaitCount(port) > 0, "no connection of the stopped server is in TIME_WAIT: the test would prove nothing");

            // No waiting for the port: a restart that TIME_WAIT blocked would exit 69 and fail here.
            await using ServerProcess second = await ServerProcess.StartAsync([], port, retryWhileTaken: false);
            Assert.Equal(ServerExitCodes.Success, await second.StopAsync());
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    /// <summary>Sockets in TIME_WAIT whose local port is <paramref name="port"/>, from /proc/net/tcp and tcp6.</summary>
    private static int TimeWaitCount(int port)
    {
        string hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        int count = 0;
        foreach (string table in (string[])["/proc/net/tcp", "/proc/net/tcp6"])
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (string line in File.ReadLines(table).Skip(1))
            {
                string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 3 && fields[1].EndsWith(":" + hexPort, StringComparison.Ordinal) && fields[3] == "06")
                {
                    count++;
                }
            }
        }

        return count;
    }
}
