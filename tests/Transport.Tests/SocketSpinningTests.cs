using System.Diagnostics;
using System.Net.Sockets;

namespace IotSquares.Transport.Tests;

/// <summary>
/// The spin policy: it reports bytes that are waiting, gives up within its budget, and backs off from
/// a peer that did not answer in time, so that only a real lockstep peer gets the CPU.
/// </summary>
public sealed class SocketSpinningTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(2);

    [Fact]
    public async Task Bytes_already_waiting_are_reported_at_once()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        pair.Far.Send("7\n"u8);
        await pair.WaitUntilNearHasBytesAsync();
        var history = default(SpinHistory);

        Assert.True(new SocketSpinning(Budget, 1).WaitReadable(pair.Near, ref history));
    }

    [Fact]
    public async Task A_silent_peer_costs_at_least_the_budget_and_is_reported_as_silent()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        var history = default(SpinHistory);

        var clock = Stopwatch.StartNew();
        bool readable = new SocketSpinning(Budget, 1).WaitReadable(pair.Near, ref history);

        Assert.False(readable);
        Assert.True(clock.Elapsed >= Budget, $"gave up after {clock.Elapsed.TotalMilliseconds:0.000} ms");
    }

    [Fact]
    public async Task After_each_miss_the_policy_skips_a_doubling_number_of_waits_and_a_hit_resets_it()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        var spinning = new SocketSpinning(Budget, 1);
        var history = default(SpinHistory);

        // Miss 1 skips the next wait; miss 2 the next two; miss 3 the next four.
        Assert.False(spinning.WaitReadable(pair.Near, ref history));
        Assert.Equal(1, Skipped(spinning, pair, ref history, readableAfter: false));
        Assert.False(spinning.WaitReadable(pair.Near, ref history));
        Assert.Equal(2, Skipped(spinning, pair, ref history, readableAfter: false));
        Assert.False(spinning.WaitReadable(pair.Near, ref history));

        // Now the peer answers: skipped waits say "not readable" without looking, then the spin sees the bytes.
        pair.Far.Send("1\n"u8);
        await pair.WaitUntilNearHasBytesAsync();
        Assert.Equal(4, Skipped(spinning, pair, ref history, readableAfter: true));

        // The hit reset the penalty: one miss skips one wait again.
        pair.Near.Receive(new byte[16]);
        Assert.False(spinning.WaitReadable(pair.Near, ref history));
        Assert.Equal(1, Skipped(spinning, pair, ref history, readableAfter: false));
    }

    [Fact]
    public async Task The_penalty_stops_doubling_at_256_waits()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        var spinning = new SocketSpinning(TimeSpan.FromMicroseconds(1), 1);
        var history = default(SpinHistory);
        for (int miss = 0; miss < 12; miss++)
        {
            Assert.False(spinning.WaitReadable(pair.Near, ref history));
            Skipped(spinning, pair, ref history, readableAfter: false);
        }

        Assert.False(spinning.WaitReadable(pair.Near, ref history));
        Assert.Equal(256, Skipped(spinning, pair, ref history, readableAfter: false));
    }

    [Fact]
    public async Task Off_never_spins_and_never_reports_bytes()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        pair.Far.Send("7\n"u8);
        await pair.WaitUntilNearHasBytesAsync();
        var history = default(SpinHistory);

        Assert.False(SocketSpinning.Off.Enabled);
        Assert.False(SocketSpinning.Off.WaitReadable(pair.Near, ref history));
        Assert.False(new SocketSpinning(TimeSpan.Zero, 4).Enabled);
        Assert.False(new SocketSpinning(Budget, 0).Enabled);
    }

    [Fact]
    public async Task When_every_spinning_slot_is_taken_a_wait_does_not_spin()
    {
        using SocketPair busy = await SocketPair.ConnectAsync();
        using SocketPair other = await SocketPair.ConnectAsync();
        other.Far.Send("7\n"u8);
        await other.WaitUntilNearHasBytesAsync();
        var spinning = new SocketSpinning(TimeSpan.FromSeconds(20), maxSpinners: 1);

        // One wait holds the only slot on a silent socket; it is released when the peer sends.
        static Task<bool> Hold(SocketSpinning spinning, Socket socket) => Task.Run(() =>
        {
            var h = default(SpinHistory);
            return spinning.WaitReadable(socket, ref h);
        });
        Task<bool> holder = Hold(spinning, busy.Near);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        bool refused = false;
        while (!refused)
        {
            if (holder.IsCompleted)
            {
                // The holder asked while the probe below had the slot, so it was refused and returned at once
                // (the socket is silent): ask again until it is the one holding the slot.
                Assert.False(await holder);
                holder = Hold(spinning, busy.Near);
            }

            // Until the holder has the slot, this wait may take it and see the bytes; after, it must not spin.
            var history = default(SpinHistory);
            refused = !spinning.WaitReadable(other.Near, ref history);
            await Task.Delay(1, deadline.Token);
        }

        busy.Far.Send("1\n"u8);
        Assert.True(await holder.WaitAsync(deadline.Token));
    }

    [Fact]
    public async Task A_closed_socket_is_reported_as_not_readable_instead_of_throwing()
    {
        SocketPair pair = await SocketPair.ConnectAsync();
        pair.Dispose();
        var history = default(SpinHistory);

        Assert.False(new SocketSpinning(Budget, 1).WaitReadable(pair.Near, ref history));
    }

    // Counts the waits that return false at once (skipped) before one that spins; returns the count.
    private static int Skipped(SocketSpinning spinning, SocketPair pair, ref SpinHistory history, bool readableAfter)
    {
        int skipped = 0;
        while (history.Skip > 0)
        {
            Assert.False(spinning.WaitReadable(pair.Near, ref history));
            skipped++;
        }

        if (readableAfter)
        {
            Assert.True(spinning.WaitReadable(pair.Near, ref history));
        }

        return skipped;
    }
}
