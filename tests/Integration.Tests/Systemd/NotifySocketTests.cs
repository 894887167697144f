using IotSquares.Integration.Tests.Support;
using IotSquares.TestKit;

namespace IotSquares.Integration.Tests.Systemd;

/// <summary>
/// sd_notify from the real server process to a socket of our own, as systemd's Type=notify sees it:
/// whoever the parent is, NOTIFY_SOCKET alone decides.
/// </summary>
public sealed class NotifySocketTests
{
    [Fact]
    public async Task Ready_comes_once_the_port_is_bound_then_status_follows_the_clients_and_stopping_comes_on_SIGTERM()
    {
        // Ready means READY=1 on the helper's notification socket, which stands in for systemd's here.
        await using ServerProcess server = await ServerProcess.StartAsync([]);
        NotifyListener manager = server.Notifications;
        int port = server.Port;

        string status = await manager.WaitForAsync(l => l.StartsWith("STATUS=", StringComparison.Ordinal));
        Assert.Equal($"STATUS=Listening on 127.0.0.1:{port}; 0 clients connected; 0 squares served", status);
        Assert.Equal("READY=1", manager.Received[0].Line); // nothing before READY, and READY before any status

        using (RawConnection client = await RawConnection.ConnectAsync(port))
        {
            await client.SendAsync("HELLO squares/1\n1\n2\n3\n");
            await client.ReceiveUntilAsync(t => t.EndsWith("\n9\n", StringComparison.Ordinal));
            await manager.WaitForAsync("STATUS=Listening on 127.0.0.1:" + port + "; 1 client connected; 3 squares served");
        }

        await manager.WaitForAsync("STATUS=Listening on 127.0.0.1:" + port + "; 0 clients connected; 3 squares served");
        int before = manager.Received.Count;
        Assert.DoesNotContain(manager.Received, n => n.Line == "STOPPING=1");

        Assert.Equal(0, await server.StopAsync());
        await manager.WaitForAsync("STOPPING=1", TimeSpan.FromSeconds(5));
        Assert.Contains(manager.Received.Skip(before), n => n.Line == "STATUS=Stopping: saying goodbye to 0 clients; 3 squares served");
        Assert.Single(manager.Received, n => n.Line == "READY=1");
    }

    [Fact]
    public async Task Status_is_sent_at_most_once_a_second()
    {
        DateTime started = DateTime.UtcNow;
        await using ServerProcess server = await ServerProcess.StartAsync([]);
        NotifyListener manager = server.Notifications;

        // A client that keeps the count changing all the time: the status may change at every tick, no more often.
        using RawConnection client = await RawConnection.ConnectAsync(server.Port);
        await client.SendAsync("HELLO squares/1\n");
        for (int i = 0; i < 40; i++)
        {
            await client.SendAsync(string.Concat(Enumerable.Range(0, 50).Select(n => $"{n}\n")));
            await Task.Delay(100);
        }

        await manager.WaitForAsync(l => l.Contains("2,000 squares served", StringComparison.Ordinal));
        TimeSpan elapsed = DateTime.UtcNow - started;
        int statuses = manager.Received.Count(n => n.Line.StartsWith("STATUS=", StringComparison.Ordinal));

        // The count changed about ten times a second. Sent at most once a second, N lines need N - 1 seconds
        // between the first and the last, all of which fall between the listener's start and now. (Measured
        // on the sending side's clock by construction, so a slow test runner cannot make this fail wrongly.)
        Assert.True(statuses >= 3, $"only {statuses} status lines in {elapsed.TotalSeconds:0.0} s of changes");
        Assert.True(statuses - 1 <= elapsed.TotalSeconds, $"{statuses} status lines in {elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task An_abstract_socket_name_is_honoured()
    {
        using NotifyListener manager = NotifyListener.Bind(abstractName: true);
        Assert.StartsWith("@", manager.Address);
        await using var server = ServerProcess.Start(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = manager.Address });

        await manager.WaitForAsync("READY=1");
        Assert.Equal(0, await server.StopAsync());
        await manager.WaitForAsync("STOPPING=1", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_address_it_cannot_speak_is_one_warning_and_the_server_serves_anyway()
    {
        // It cannot say READY=1 here, so "serves" is shown by serving: connect until it answers (bounded).
        int port = FreePort.OnLoopback();
        await using var server = ServerProcess.Start(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = "vsock:2:1234" }, port);
        using RawConnection client = await ConnectWhenListeningAsync(server, port);
        await client.SendAsync("HELLO squares/1\n");
        Assert.StartsWith("WELCOME squares/1 ", await client.ReceiveUntilAsync(t => t.EndsWith('\n')));

        Assert.Equal(0, await server.StopAsync());
        Assert.Single(server.RecentLog, l => l.Contains("NOTIFY_SOCKET=vsock:2:1234 is not a path or an @abstract name", StringComparison.Ordinal));
    }

    private static async Task<RawConnection> ConnectWhenListeningAsync(ServerProcess server, int port)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                return await RawConnection.ConnectAsync(port);
            }
            catch (System.Net.Sockets.SocketException) when (!server.HasExited)
            {
                await Task.Delay(50, deadline.Token); // Not listening yet.
            }
        }
    }
}
