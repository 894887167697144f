using IotSquares.Client;
using IotSquares.Client.Exchange;
using IotSquares.Integration.Tests.Support;
using IotSquares.Protocol.Events;

namespace IotSquares.Integration.Tests;

/// <summary>The server's own limits over real sockets: connection count, handshake and idle timeouts.</summary>
public sealed class LimitsAndTimeoutsTests
{
    [Fact]
    public async Task A_client_beyond_the_connection_limit_is_refused_with_503_and_the_next_one_is_served_later()
    {
        await using TestServer server = await TestServer.StartAsync(("MaxConnections", "2"));
        using RawConnection first = await RawConnection.ConnectAsync(server.Port);
        using RawConnection second = await RawConnection.ConnectAsync(server.Port);
        await first.SendAsync("HELLO squares/1\n");
        await second.SendAsync("Hi there!");
        await first.ReceiveUntilAsync(t => t.EndsWith('\n'));
        await second.ReceiveUntilAsync(t => t.Length > 0);

        using RawConnection third = await RawConnection.ConnectAsync(server.Port);
        (string refused, bool closed) = await third.ReceiveToEndAsync();

        Assert.True(closed);
        Assert.Equal("ERR 503 server busy\n", refused);
        Assert.True(await server.Events.WaitUntilAsync(e => e.Closed.Any(c => c.Reason == CloseReason.ServerBusy)));

        // The client's own CLI path reports the refusal with its exit code.
        var (busy, _) = await Clients.RunAsync(server.Port, o => o with { Count = 3, Retry = RetryPolicy.None });
        Assert.Equal(ClientExitCodes.Refused, busy.ExitCode);
        Assert.Contains("503", busy.Message);

        first.Dispose();
        Assert.True(await server.Events.WaitUntilAsync(e => e.Closed.Count(c => c.Reason != CloseReason.ServerBusy) == 1));
        var (served, _) = await Clients.RunAsync(server.Port, o => o with { Count = 3 });
        Assert.True(served.Succeeded, served.Message);
    }

    [Fact]
    public async Task One_address_cannot_take_more_than_its_share_of_connections()
    {
        await using TestServer server = await TestServer.StartAsync(("Bind", "*"), ("MaxConnections", "10"), ("MaxConnectionsPerAddress", "2"));
        using RawConnection first = await RawConnection.ConnectAsync(server.Port);
        using RawConnection second = await RawConnection.ConnectAsync(server.Port);
        await first.SendAsync("HELLO squares/1\n");
        await second.SendAsync("HELLO squares/1\n");
        await first.ReceiveUntilAsync(t => t.EndsWith('\n'));
        await second.ReceiveUntilAsync(t => t.EndsWith('\n'));

        using RawConnection third = await RawConnection.ConnectAsync(server.Port);
        (string refused, bool closed) = await third.ReceiveToEndAsync();

        Assert.True(closed);
        Assert.Equal("ERR 503 server busy: too many connections from your address\n", refused);

        // Another address still gets in.
        var (fromIPv6, _) = await Clients.RunAsync(server.Port, o => o with { Host = "::1", Count = 5, Retry = RetryPolicy.None });
        Assert.True(fromIPv6.Succeeded, fromIPv6.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Hi th")]
    [InlineData("HELLO squares/1")]
    public async Task A_client_that_never_finishes_its_greeting_is_cut_off_with_504(string partialGreeting)
    {
        await using TestServer server = await TestServer.StartAsync(("HandshakeTimeout", "00:00:00.300"));
        using RawConnection client = await RawConnection.ConnectAsync(server.Port);

        await client.SendAsync(partialGreeting);
        (string text, bool closed) = await client.ReceiveToEndAsync(TimeSpan.FromSeconds(10));

        Assert.True(closed);
        Assert.EndsWith("ERR 504 timed out", text.TrimEnd('\n'));
        Assert.True(await server.Events.WaitUntilAsync(e => e.Closed.Count == 1));
        Assert.Equal(CloseReason.TimedOut, server.Events.Closed.Single().Reason);
    }

    // The real clock's wiring only: the exact timing (a reply just inside the timeout, trickled bytes,
    // a client that stops reading) is tested on a fake clock in tests/Server.Tests.
    [Theory]
    [InlineData("HELLO squares/1\n", "WELCOME squares/1 max-digits=4096 max-line=8192\nERR 504 timed out\n")]
    [InlineData("Hi there!", "Hello. Nice to see you.ERR 504 timed out")]
    public async Task A_client_silent_after_its_greeting_is_cut_off_after_the_idle_timeout_in_its_own_dialect(string greeting, string expected)
    {
        await using TestServer server = await TestServer.StartAsync(("IdleTimeout", "00:00:00.400"), ("HandshakeTimeout", "00:00:30"));
        using RawConnection client = await RawConnection.ConnectAsync(server.Port);

        await client.SendAsync(greeting);
        (string text, bool closed) = await client.ReceiveToEndAsync(TimeSpan.FromSeconds(30));

        Assert.True(closed);
        Assert.Equal(expected, text);
        Assert.True(await server.Events.WaitUntilAsync(e => e.Closed.Count == 1));
        Assert.Equal(CloseReason.TimedOut, server.Events.Closed.Single().Reason);
    }

    [Fact]
    public async Task The_client_gives_up_on_a_silent_server_after_its_receive_timeout()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        int port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;

        var (result, _) = await Clients.RunAsync(port, o => o with { ReceiveTimeout = TimeSpan.FromMilliseconds(300), Retry = RetryPolicy.None });

        Assert.Equal(ClientExitCodes.Timeout, result.ExitCode);
        Assert.Contains("no greeting from the server within 300 ms", result.Message);
    }
}
