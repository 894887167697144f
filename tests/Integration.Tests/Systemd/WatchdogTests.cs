using IotSquares.Integration.Tests.Support;
using IotSquares.TestKit;

namespace IotSquares.Integration.Tests.Systemd;

/// <summary>
/// The watchdog keep-alives (WATCHDOG_USEC, WATCHDOG_PID) from the real server process. The hangs are
/// injected with the Debug-only switch PISQUARE_DEBUG_HANG (see src/PiSquareServer/Diagnostics/DebugFaults.cs):
/// the tests run the Debug build, where it exists.
/// </summary>
public sealed class WatchdogTests
{
    // A short timeout keeps the tests quick: keep-alives every second.
    private const string TimeoutMicroseconds = "2000000";

    [Fact]
    public async Task Keep_alives_come_every_half_timeout_while_the_server_serves_and_while_it_idles()
    {
        await using ServerProcess server = await StartServerAsync();
        NotifyListener manager = server.Notifications;
        int port = server.Port;

        await WaitForKeepAlivesAsync(manager, 2);
        using (RawConnection client = await RawConnection.ConnectAsync(port))
        {
            await client.SendAsync("HELLO squares/1\n");
            for (int i = 0; i < 5; i++)
            {
                await client.SendAsync("12\n");
                await client.ReceiveUntilAsync(t => t.EndsWith("144\n", StringComparison.Ordinal));
                await WaitForKeepAlivesAsync(manager, 3 + i);
            }
        }

        // An idle connection is waiting, not hung.
        using RawConnection idle = await RawConnection.ConnectAsync(port);
        await idle.SendAsync("HELLO squares/1\n");
        int count = KeepAlives(manager).Length;
        await WaitForKeepAlivesAsync(manager, count + 3);
        Assert.Equal(0, await server.StopAsync());
    }

    [Theory]
    [InlineData("accept", "the accept loop has been busy for")]
    [InlineData("connection", "the loop of connection 1 has been busy for")]
    public async Task A_hung_loop_stops_the_keep_alives(string loop, string logged)
    {
        await using ServerProcess server = await StartServerAsync(("PISQUARE_DEBUG_HANG", loop));
        NotifyListener manager = server.Notifications;
        int port = server.Port;
        await WaitForKeepAlivesAsync(manager, 2);

        // The first connection hangs the chosen loop (after accepting it, or on its first read).
        using RawConnection client = await RawConnection.ConnectAsync(port);
        await client.SendAsync("HELLO squares/1\n");
        await WaitForOutputAsync(server, logged);
        int atHang = KeepAlives(manager).Length;
        DateTime loggedAt = DateTime.UtcNow;

        // Three keep-alive intervals with none: systemd (WatchdogSec=2) would have killed it by now.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(atHang, KeepAlives(manager).Length);
        Assert.DoesNotContain(manager.Received, n => n.Line == "WATCHDOG=1" && n.Received > loggedAt);
    }

    [Fact]
    public async Task A_watchdog_meant_for_another_process_is_not_answered()
    {
        await using ServerProcess server = await StartServerAsync(("WATCHDOG_PID", "1"));
        NotifyListener manager = server.Notifications;

        // Wait for several status ticks: the keep-alive would have come twice a second.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Empty(KeepAlives(manager));
        Assert.DoesNotContain(server.RecentLog, l => l.Contains("Watchdog:", StringComparison.Ordinal));
    }

    // Ready once it says READY=1 on the notification socket of the helper, which stands in for systemd's here.
    private static Task<ServerProcess> StartServerAsync(params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string> { ["WATCHDOG_USEC"] = TimeoutMicroseconds };
        foreach ((string name, string value) in extra)
        {
            environment[name] = value;
        }

        return ServerProcess.StartAsync([], environment: environment);
    }

    private static NotifyListener.Notification[] KeepAlives(NotifyListener manager) =>
        [.. manager.Received.Where(n => n.Line == "WATCHDOG=1")];

    private static async Task WaitForKeepAlivesAsync(NotifyListener manager, int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (KeepAlives(manager).Length < count)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    private static async Task WaitForOutputAsync(ServerProcess server, string text)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!server.RecentLog.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}
