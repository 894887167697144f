using IotSquares.Protocol.Events;
using IotSquares.Server.Tests.Support;

namespace IotSquares.Server.Tests.Connections;

/// <summary>
/// The loop tells its observers of squares once per batch, after the batch's replies are flushed: the latest
/// square wins, the counts add up exactly, and the order of a connection's events holds (src/Protocol/Events/README.md).
/// </summary>
public sealed class ConnectionLoopSquareEventTests
{
    private const string Welcome = "WELCOME squares/1 max-digits=4096 max-line=8192\n";

    [Fact]
    public async Task A_read_of_many_requests_is_one_event_raised_after_its_replies_are_flushed()
    {
        await using LoopRun run = LoopRun.Start();
        run.Events.Transport = run.Peer; // This test reads the replies only after the loop has ended.
        await run.Peer.SendAsync("HELLO squares/1\n", run.Timeout);

        await run.Peer.SendAsync("1\n2\n3\n4\n5\n", run.Timeout);
        await run.Peer.SendAsync("BYE\n", run.Timeout);
        await run.ClosedAsync();

        // When the event came, every reply of the batch could already be read by the client, nothing was left unflushed.
        string replies = Welcome + "1\n4\n9\n16\n25\n";
        Assert.Equal([new SquareEvent("5", "25", 5, Unflushed: 0, Readable: replies.Length)], run.Events.Squares);
        Assert.Equal(replies + "BYE 5\n", await run.Peer.ReceiveToEndAsync(run.Timeout));
    }

    [Fact]
    public async Task The_counts_of_several_batches_add_up_to_the_close_and_the_latest_square_wins()
    {
        await using LoopRun run = LoopRun.Start();
        run.Events.Transport = run.Peer; // This test reads the replies only after the loop has ended.
        await run.Peer.SendAsync("HELLO squares/1\n", run.Timeout);

        await run.Peer.SendAsync("1\n2\n", run.Timeout);
        await run.Peer.SendAsync("30\n", run.Timeout);
        await run.Peer.SendAsync("4\n5\n-6\n", run.Timeout);
        await run.Peer.SendAsync("BYE\n", run.Timeout);
        (CloseReason reason, long count) = await run.ClosedAsync();

        Assert.Equal(["2", "30", "-6"], run.Events.Squares.Select(static s => s.Value));
        Assert.Equal(["4", "900", "36"], run.Events.Squares.Select(static s => s.Square));
        Assert.Equal(["served 2", "served 3", "served 6", "goodbye 6", "closed 6"], run.Events.Order);
        Assert.Equal((CloseReason.ClientGoodbye, 6L), (reason, count));
        Assert.All(run.Events.Squares, static s => Assert.Equal(0, s.Unflushed));
    }

    [Fact]
    public async Task Squares_before_an_error_in_the_same_read_are_reported_before_the_rejection()
    {
        await using LoopRun run = LoopRun.Start();
        run.Events.Transport = run.Peer; // This test reads the replies only after the loop has ended.
        await run.Peer.SendAsync("HELLO squares/1\n", run.Timeout);

        await run.Peer.SendAsync("2\n7\n\n3\n", run.Timeout);
        await run.Peer.CompleteSendingAsync();
        await run.ClosedAsync();

        Assert.Equal(["served 2", "rejected 401", "served 3", "closed 3"], run.Events.Order);
        Assert.Equal(["7", "3"], run.Events.Squares.Select(static s => s.Value));
        // The square after the error waited for the flush like any other batch.
        Assert.Equal(0, run.Events.Squares[^1].Unflushed);
    }

    [Fact]
    public async Task A_textbook_client_in_lockstep_gets_one_event_per_square()
    {
        await using LoopRun run = LoopRun.Start();
        await run.Peer.SendAsync("Hi there!", run.Timeout);
        await run.Peer.ReceiveAsync("Hello. Nice to see you.".Length, run.Timeout);

        foreach (string n in new[] { "7", "8", "9" })
        {
            await run.Peer.SendAsync(n, run.Timeout);
            await run.Peer.ReceiveAsync(2, run.Timeout);
        }

        await run.Peer.CompleteSendingAsync();
        await run.ClosedAsync();

        Assert.Equal(["served 1", "served 2", "served 3", "closed 3"], run.Events.Order);
        Assert.Equal(["49", "64", "81"], run.Events.Squares.Select(static s => s.Square));
    }
}
