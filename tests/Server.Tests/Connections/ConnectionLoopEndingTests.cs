using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Server.Tests.Support;

namespace IotSquares.Server.Tests.Connections;

/// <summary>How the connection loop ends: the client leaves, the server stops, the first bytes are not a greeting.</summary>
public sealed class ConnectionLoopEndingTests
{
    [Fact]
    public async Task A_stop_answers_the_requests_already_received_then_says_goodbye()
    {
        await using LoopRun run = LoopRun.Start();
        await run.Peer.SendAsync("HELLO squares/1\n", run.Timeout);
        await run.Peer.ReceiveLineAsync(run.Timeout);

        // Whether the loop reads these before or after the stop, both are answered before the goodbye.
        await run.Peer.SendWithoutWaitingAsync("3\n4\n", run.Timeout);
        run.Shutdown();

        Assert.Equal("9\n16\nBYE 2 server shutting down\n", await run.Peer.ReceiveToEndAsync(run.Timeout));
        Assert.Equal((CloseReason.ServerShutdown, 2L), await run.ClosedAsync());
    }

    [Fact]
    public async Task A_stop_before_the_greeting_is_complete_closes_without_a_word()
    {
        await using LoopRun run = LoopRun.Start();
        await run.Peer.SendAsync("HEL", run.Timeout);

        run.Shutdown();

        Assert.Equal(string.Empty, await run.Peer.ReceiveToEndAsync(run.Timeout));
        Assert.Equal((CloseReason.ServerShutdown, 0L), await run.ClosedAsync());
    }

    [Fact]
    public async Task A_client_that_closes_mid_line_is_not_answered_for_that_line()
    {
        await using LoopRun run = LoopRun.Start();
        await run.Peer.SendAsync("HELLO squares/1\n5\n6", run.Timeout);

        await run.Peer.CompleteSendingAsync();

        Assert.Equal("WELCOME squares/1 max-digits=4096 max-line=8192\n25\n", await run.Peer.ReceiveToEndAsync(run.Timeout));
        Assert.Equal((CloseReason.PeerClosed, 1L), await run.ClosedAsync());
    }

    [Theory]
    [InlineData("GET / HTTP/1.0\r\n")]
    [InlineData("hi there!")]
    [InlineData(" HELLO squares/1\n")]
    public async Task Bytes_that_start_neither_greeting_get_502_and_the_connection_closes(string first)
    {
        await using LoopRun run = LoopRun.Start();

        await run.Peer.SendAsync(first, run.Timeout);

        Assert.Equal("ERR 502 handshake required\n", await run.Peer.ReceiveToEndAsync(run.Timeout));
        Assert.Equal(CloseReason.ProtocolError, (await run.ClosedAsync()).Reason);
        Assert.Equal([ErrorCode.HandshakeRequired], run.Events.Rejected);
    }

    [Fact]
    public async Task A_client_that_closes_before_a_whole_greeting_is_simply_closed()
    {
        await using LoopRun run = LoopRun.Start();
        await run.Peer.SendAsync("Hi th", run.Timeout);

        await run.Peer.CompleteSendingAsync();

        Assert.Equal(string.Empty, await run.Peer.ReceiveToEndAsync(run.Timeout));
        Assert.Equal((CloseReason.PeerClosed, 0L), await run.ClosedAsync());
        Assert.False(run.Peer.Aborted);
    }
}
