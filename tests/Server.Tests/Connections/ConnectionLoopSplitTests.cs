using System.Text;
using IotSquares.Protocol.Events;
using IotSquares.Server.Tests.Support;

namespace IotSquares.Server.Tests.Connections;

/// <summary>
/// The connection loop answers the same whatever way the client's bytes are cut into reads: a framed
/// exchange at every split, the textbook dialect's messages gathered across reads while more is waiting.
/// </summary>
public sealed class ConnectionLoopSplitTests
{
    private const string FramedRequests = "HELLO squares/1\n7\n-12\r\n99999999999\nBYE\n";

    // Written out by hand from docs/PROTOCOL.md, not produced by the codec under test.
    private const string FramedReplies = "WELCOME squares/1 max-digits=4096 max-line=8192\n49\n144\n9999999999800000000001\nBYE 3\n";

    public static TheoryData<int> FramedCuts => Cuts(FramedRequests.Length);

    public static TheoryData<int> TextbookNumberCuts => Cuts("1234".Length);

    public static TheoryData<int> TextbookGreetingCuts => Cuts("Hi there!".Length);

    [Theory]
    [MemberData(nameof(FramedCuts))]
    public async Task A_framed_exchange_cut_in_two_reads_anywhere_gets_every_reply(int cut)
    {
        await using LoopRun run = LoopRun.Start();

        await run.Peer.SendAsync([Bytes(FramedRequests[..cut]), Bytes(FramedRequests[cut..])], run.Timeout);

        Assert.Equal(FramedReplies, await run.Peer.ReceiveToEndAsync(run.Timeout));
        Assert.Equal((CloseReason.ClientGoodbye, 3L), await run.ClosedAsync());
    }

    [Fact]
    public async Task A_framed_exchange_one_byte_per_read_gets_every_reply()
    {
        await using LoopRun run = LoopRun.Start();

        await run.Peer.SendAsync(FramedRequests.Select(c => Bytes(c.ToString())), run.Timeout);

        Assert.Equal(FramedReplies, await run.Peer.ReceiveToEndAsync(run.Timeout));
        Assert.Equal((CloseReason.ClientGoodbye, 3L), await run.ClosedAsync());
    }

    [Theory]
    [MemberData(nameof(TextbookGreetingCuts))]
    public async Task A_textbook_greeting_cut_in_two_reads_is_recognised(int cut)
    {
        await using LoopRun run = LoopRun.Start();

        await run.Peer.SendAsync([Bytes("Hi there!"[..cut]), Bytes("Hi there!"[cut..])], run.Timeout);

        Assert.Equal("Hello. Nice to see you.", await run.Peer.ReceiveAsync(23, run.Timeout));
    }

    [Theory]
    [MemberData(nameof(TextbookNumberCuts))]
    public async Task A_textbook_number_that_arrives_in_two_reads_while_the_rest_is_waiting_is_one_message(int cut)
    {
        await using LoopRun run = LoopRun.Start();
        await run.Peer.SendAsync("Hi there!", run.Timeout);
        Assert.Equal("Hello. Nice to see you.", await run.Peer.ReceiveAsync(23, run.Timeout));

        // The loop takes "12" knowing "34" is on its way, as Socket.Available tells it when one message spans two reads.
        await run.Peer.SendAnnouncedAsync([Bytes("1234"[..cut]), Bytes("1234"[cut..])], run.Timeout);
        Assert.Equal("1522756", await run.Peer.ReceiveAsync(7, run.Timeout));

        await run.Peer.CompleteSendingAsync();
        Assert.Equal(string.Empty, await run.Peer.ReceiveToEndAsync(run.Timeout));
        Assert.Equal((CloseReason.PeerClosed, 1L), await run.ClosedAsync());
    }

    [Fact]
    public async Task Textbook_reads_with_nothing_more_waiting_are_separate_messages_as_in_the_book()
    {
        await using LoopRun run = LoopRun.Start();
        await run.Peer.SendAsync("Hi there!", run.Timeout);
        Assert.Equal("Hello. Nice to see you.", await run.Peer.ReceiveAsync(23, run.Timeout));

        await run.Peer.SendAsync("12", run.Timeout);
        Assert.Equal("144", await run.Peer.ReceiveAsync(3, run.Timeout));
        await run.Peer.SendAsync("34", run.Timeout);
        Assert.Equal("1156", await run.Peer.ReceiveAsync(4, run.Timeout));

        await run.Peer.CompleteSendingAsync();
        Assert.Equal((CloseReason.PeerClosed, 2L), await run.ClosedAsync());
    }

    [Fact]
    public async Task A_textbook_message_is_gathered_no_further_than_the_line_limit()
    {
        await using LoopRun run = LoopRun.Start(o => (o.MaxDigits, o.MaxLineLength) = (100, 128));
        await run.Peer.SendAsync("Hi there!", run.Timeout);
        Assert.Equal("Hello. Nice to see you.", await run.Peer.ReceiveAsync(23, run.Timeout));

        // 129 digits announced in pieces of 64: once the loop holds more than the limit it stops gathering.
        byte[] digits = Bytes(new string('7', 129));
        await run.Peer.SendAnnouncedAsync([digits[..64], digits[64..128], digits[128..]], run.Timeout);

        Assert.Equal("ERR 501 line too long", await run.Peer.ReceiveToEndAsync(run.Timeout));
        Assert.Equal(CloseReason.ProtocolError, (await run.ClosedAsync()).Reason);
    }

    [Fact]
    public async Task After_each_reply_the_loop_gives_the_next_request_a_moment_and_not_before()
    {
        await using LoopRun run = LoopRun.Start();
        await run.Peer.SendAsync("HELLO squares/1\n", run.Timeout);
        await run.Peer.ReceiveLineAsync(run.Timeout);
        await run.Peer.SendAsync("3\n", run.Timeout);
        Assert.Equal("9\n", await run.Peer.ReceiveLineAsync(run.Timeout));
        await run.Peer.SendAsync("BYE\n", run.Timeout);
        await run.ClosedAsync();

        // WELCOME and 9 were each followed by a brief wait; BYE ends the exchange, so no wait after it.
        Assert.Equal(2, run.Peer.BriefWaits);
    }

    [Fact]
    public async Task A_pipelined_batch_is_followed_by_a_brief_wait_too()
    {
        await using LoopRun run = LoopRun.Start();
        await run.Peer.SendAsync("HELLO squares/1\n", run.Timeout);
        await run.Peer.ReceiveLineAsync(run.Timeout);
        await run.Peer.SendAsync("3\n4\n5\n", run.Timeout);
        Assert.Equal("9\n", await run.Peer.ReceiveLineAsync(run.Timeout));
        Assert.Equal("16\n", await run.Peer.ReceiveLineAsync(run.Timeout));
        Assert.Equal("25\n", await run.Peer.ReceiveLineAsync(run.Timeout));
        await run.Peer.SendAsync("BYE\n", run.Timeout);
        await run.ClosedAsync();

        // A pipelining client sends its next batch as soon as it has read this one: worth the same wait.
        Assert.Equal(2, run.Peer.BriefWaits);
    }

    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    private static TheoryData<int> Cuts(int length)
    {
        var cuts = new TheoryData<int>();
        for (int cut = 1; cut < length; cut++)
        {
            cuts.Add(cut);
        }

        return cuts;
    }
}
