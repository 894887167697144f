using IotSquares.Protocol.Events;
using IotSquares.Server.Tests.Support;

namespace IotSquares.Server.Tests.Connections;

/// <summary>
/// The loop's handshake and idle timeouts, on a fake clock: time moves only when the test moves it, so
/// these tests neither sleep nor race a loaded machine.
/// </summary>
public sealed class ConnectionTimeoutTests
{
    private static readonly TimeSpan Handshake = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    [Theory]
    [InlineData("")]
    [InlineData("Hi th")]
    [InlineData("HELLO squares/1")]
    public async Task A_greeting_not_complete_within_the_handshake_timeout_gets_504(string partial)
    {
        await using LoopRun run = LoopRun.Start(o => o.HandshakeTimeout = Handshake);
        await run.Peer.SendAsync(partial, run.Timeout);

        run.Clock.Advance(Handshake);

        Assert.Equal("ERR 504 timed out\n", await run.Peer.ReceiveToEndAsync(run.Timeout));
        Assert.Equal((CloseReason.TimedOut, 0L), await run.ClosedAsync());
    }

    [Fact]
    public async Task A_greeting_completed_just_within_the_handshake_timeout_is_welcomed()
    {
        await using LoopRun run = LoopRun.Start(o => o.HandshakeTimeout = Handshake);
        await run.Peer.SendAsync("HELLO squares", run.Timeout);

        run.Clock.Advance(Handshake - Tick);
        await run.Peer.SendAsync("/1\n", run.Timeout);

        Assert.Equal("WELCOME squares/1 max-digits=4096 max-line=8192\n", await run.Peer.ReceiveLineAsync(run.Timeout));
    }

    [Fact]
    public async Task A_greeting_trickled_a_byte_at_a_time_is_cut_off_all_the_same()
    {
        await using LoopRun run = LoopRun.Start(o => o.HandshakeTimeout = Handshake);

        // Never silent for more than a second, but "HELLO squares/1\n" is not done after 10 s.
        foreach (char c in "HELLO squares")
        {
            await run.Peer.SendAsync(c.ToString(), run.Timeout);
            run.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal("ERR 504 timed out\n", await run.Peer.ReceiveToEndAsync(run.Timeout));
        Assert.Equal(CloseReason.TimedOut, (await run.ClosedAsync()).Reason);
    }

    [Theory]
    [InlineData("HELLO squares/1\n", "\n", "WELCOME squares/1 max-digits=4096 max-line=8192\n", "ERR 504 timed out\n")]
    [InlineData("Hi there!", "", "Hello. Nice to see you.", "ERR 504 timed out")]
    public async Task The_idle_timeout_counts_from_the_last_reply_and_ends_in_the_clients_dialect(
        string greeting, string end, string welcome, string timedOut)
    {
        await using LoopRun run = LoopRun.Start(o => o.IdleTimeout = Idle);
        await run.Peer.SendAsync(greeting, run.Timeout);
        Assert.Equal(welcome, await run.Peer.ReceiveAsync(welcome.Length, run.Timeout));

        // Just inside the timeout a request is still answered, and each answer starts the clock again.
        run.Clock.Advance(Idle - Tick);
        await run.Peer.SendAsync("2" + end, run.Timeout);
        Assert.Equal("4" + end, await run.Peer.ReceiveAsync(1 + end.Length, run.Timeout));
        run.Clock.Advance(Idle - Tick);
        await run.Peer.SendAsync("3" + end, run.Timeout);
        Assert.Equal("9" + end, await run.Peer.ReceiveAsync(1 + end.Length, run.Timeout));

        run.Clock.Advance(Idle);

        Assert.Equal(timedOut, await run.Peer.ReceiveToEndAsync(run.Timeout));
        Assert.Equal((CloseReason.TimedOut, 2L), await run.ClosedAsync());
    }

    [Fact]
    public async Task A_request_trickled_slowly_after_the_greeting_is_cut_off_at_the_idle_timeout()
    {
        await using LoopRun run = LoopRun.Start(o => o.IdleTimeout = Idle);
        await run.Peer.SendAsync("HELLO squares/1\n", run.Timeout);
        await run.Peer.ReceiveLineAsync(run.Timeout);

        foreach (char c in "1234567")
        {
            await run.Peer.SendAsync(c.ToString(), run.Timeout);
            run.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal("ERR 504 timed out\n", await run.Peer.ReceiveToEndAsync(run.Timeout));
        Assert.Equal((CloseReason.TimedOut, 0L), await run.ClosedAsync());
    }

    [Fact]
    public async Task A_client_that_never_reads_its_replies_is_dropped_after_the_idle_timeout()
    {
        await using LoopRun run = LoopRun.Start(o => o.IdleTimeout = Idle);
        await run.Peer.SendAsync("HELLO squares/1\n", run.Timeout);
        await run.Peer.ReceiveLineAsync(run.Timeout);

        // 20,000 requests of 5 bytes get 20,000 replies of 9: far more than the 64 KiB the reply pipe holds.
        await run.Peer.SendWithoutWaitingAsync(string.Concat(Enumerable.Repeat("9999\n", 20_000)), run.Timeout);
        while (run.Peer.PendingReplyBytes() < 65_536)
        {
            await Task.Delay(1, run.Timeout); // Waiting for a condition, with the run's deadline.
        }

        Assert.False(run.Finished.IsCompleted);
        run.Clock.Advance(Idle);

        (CloseReason reason, _) = await run.ClosedAsync();
        Assert.Equal(CloseReason.TimedOut, reason);
        Assert.True(run.Peer.Aborted);
    }
}
