using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using IotSquares.Transport.Epoll;

namespace IotSquares.Transport.Tests;

/// <summary>
/// The epoll transport over real loopback sockets: that every byte arrives whatever the split, that the
/// peer's close is seen even when it came with the last bytes (no event follows it), that waits end on
/// bytes, on cancellation, on a reset and on abort, and that a reply larger than the socket's buffers waits
/// for room and arrives whole. The server's integration tests run every exchange over it as well.
/// </summary>
public sealed class EpollTransportTests
{
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Lockstep_requests_and_replies_go_both_ways_in_order()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        var transport = new EpollTransport(pair.Near, SocketSpinning.Off, readBufferSize: 64, writeBufferSize: 64);
        byte[] reply = new byte[16];
        for (int i = 0; i < 300; i++)
        {
            await pair.Far.SendAsync(BitConverter.GetBytes(i));
            byte[] request = await ReadExactlyAsync(transport.Input, 4);
            await transport.Output.WriteAsync(request);
            int got = await pair.Far.ReceiveAsync(reply);
            Assert.Equal(4, got);
            Assert.Equal(i, BitConverter.ToInt32(reply));
        }

        await transport.CloseAsync(Linger);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(5000)]
    public async Task Every_byte_arrives_whatever_the_split_and_a_kept_tail_grows_the_buffer(int chunk)
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        var transport = new EpollTransport(pair.Near, SocketSpinning.Off, readBufferSize: 16, writeBufferSize: 16);
        byte[] sent = new byte[20_000];
        new Random(chunk).NextBytes(sent);
        Task sending = SendInChunksAsync(pair.Far, sent, chunk);

        // Consume half of what each read shows and keep the rest, so the reader compacts and grows as a line parser makes it.
        var received = new List<byte>();
        while (received.Count < sent.Length)
        {
            ReadResult result = await transport.Input.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            bool last = received.Count + buffer.Length == sent.Length; // nothing more will come to end a wait
            long take = last ? buffer.Length : Math.Max(1, buffer.Length / 2);
            received.AddRange(buffer.Slice(0, take).ToArray());
            transport.Input.AdvanceTo(buffer.GetPosition(take), buffer.End);
        }

        await sending;
        Assert.Equal(sent, received.ToArray());
        await transport.CloseAsync(Linger);
    }

    [Fact]
    public async Task The_peers_close_is_seen_when_it_came_with_the_last_bytes()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        var transport = new EpollTransport(pair.Near, SocketSpinning.Off, readBufferSize: 64, writeBufferSize: 64);
        await pair.Far.SendAsync("12\n3"u8.ToArray());
        pair.Far.Shutdown(SocketShutdown.Send);
        await WaitUntilPeerClosedAsync(pair);
        using (var seen = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            // The loop has taken the one event for both: from here no event will come for the FIN.
            while (!transport.Registered.HasHungUp)
            {
                await Task.Delay(1, seen.Token);
            }
        }

        var all = new List<byte>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            ReadResult result = await transport.Input.ReadAsync(deadline.Token);
            all.AddRange(result.Buffer.ToArray());
            transport.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        Assert.Equal("12\n3"u8.ToArray(), all.ToArray());
        await transport.CloseAsync(Linger);
    }

    [Fact]
    public async Task A_waiting_read_ends_on_CancelPendingRead_and_the_next_read_still_gets_the_bytes()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        var transport = new EpollTransport(pair.Near, SocketSpinning.Off, readBufferSize: 64, writeBufferSize: 64);
        ValueTask<ReadResult> waiting = transport.Input.ReadAsync();
        Assert.False(waiting.IsCompleted);
        await Task.Run(transport.Input.CancelPendingRead);
        Assert.True((await waiting).IsCanceled);

        await pair.Far.SendAsync("ok"u8.ToArray());
        Assert.Equal("ok"u8.ToArray(), await ReadExactlyAsync(transport.Input, 2));
        await transport.CloseAsync(Linger);
    }

    [Fact]
    public async Task A_waiting_read_ends_when_its_token_is_cancelled()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        var transport = new EpollTransport(pair.Near, SocketSpinning.Off, readBufferSize: 64, writeBufferSize: 64);
        using var cancel = new CancellationTokenSource();
        ValueTask<ReadResult> waiting = transport.Input.ReadAsync(cancel.Token);
        Assert.False(waiting.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);

        await pair.Far.SendAsync("ok"u8.ToArray());
        Assert.Equal("ok"u8.ToArray(), await ReadExactlyAsync(transport.Input, 2));
        await transport.CloseAsync(Linger);
    }

    [Fact]
    public async Task A_reset_ends_a_waiting_read_with_a_socket_error()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        var transport = new EpollTransport(pair.Near, SocketSpinning.Off, readBufferSize: 64, writeBufferSize: 64);
        ValueTask<ReadResult> waiting = transport.Input.ReadAsync();
        pair.Far.LingerState = new LingerOption(true, 0);
        pair.Far.Close(); // RST
        SocketException error = await Assert.ThrowsAsync<SocketException>(async () => await waiting);
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        await transport.CloseAsync(Linger);
    }

    [Fact]
    public async Task Abort_ends_a_waiting_read()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        var transport = new EpollTransport(pair.Near, SocketSpinning.Off, readBufferSize: 64, writeBufferSize: 64);
        ValueTask<ReadResult> waiting = transport.Input.ReadAsync();
        transport.Abort();
        await Assert.ThrowsAsync<SocketException>(async () => await waiting);
        await transport.CloseAsync(Linger);
    }

    [Fact]
    public async Task A_flush_larger_than_the_socket_buffers_waits_for_room_and_arrives_whole_and_in_order()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        var transport = new EpollTransport(pair.Near, SocketSpinning.Off, readBufferSize: 64, writeBufferSize: 4096);
        byte[] sent = new byte[16 << 20];
        new Random(12).NextBytes(sent);
        sent.CopyTo(transport.Output.GetMemory(sent.Length));
        transport.Output.Advance(sent.Length);
        ValueTask<FlushResult> flushing = transport.Output.FlushAsync();
        Assert.False(flushing.IsCompleted); // 16 MiB do not fit in loopback's buffers: the flush waits for the peer

        byte[] received = new byte[sent.Length];
        int at = 0;
        while (at < received.Length)
        {
            at += await pair.Far.ReceiveAsync(received.AsMemory(at));
        }

        await flushing;
        Assert.Equal(0, transport.Output.UnflushedBytes);
        Assert.Equal(sent, received);
        await transport.CloseAsync(Linger);
    }

    [Fact]
    public async Task A_flush_that_waits_for_room_ends_when_its_token_is_cancelled()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        var transport = new EpollTransport(pair.Near, SocketSpinning.Off, readBufferSize: 64, writeBufferSize: 4096);
        transport.Output.Advance(transport.Output.GetMemory(16 << 20).Length);
        using var cancel = new CancellationTokenSource();
        ValueTask<FlushResult> flushing = transport.Output.FlushAsync(cancel.Token);
        Assert.False(flushing.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await flushing);
        transport.Abort();
        await transport.CloseAsync(Linger);
    }

    private static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            ReadResult result = await reader.ReadAsync(deadline.Token);
            if (result.Buffer.Length >= count)
            {
                byte[] bytes = result.Buffer.Slice(0, count).ToArray();
                reader.AdvanceTo(result.Buffer.GetPosition(count));
                return bytes;
            }

            Assert.False(result.IsCompleted, "the peer closed early");
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static async Task SendInChunksAsync(Socket socket, byte[] bytes, int chunk)
    {
        for (int at = 0; at < bytes.Length; at += chunk)
        {
            await socket.SendAsync(bytes.AsMemory(at, Math.Min(chunk, bytes.Length - at)));
        }
    }

    // The FIN has reached the near side once its connection is in CLOSE_WAIT (state 08 in /proc/net/tcp):
    // waits for that condition, not for a time, so the bytes and the FIN are both queued before the first read.
    private static async Task WaitUntilPeerClosedAsync(SocketPair pair)
    {
        string port = ((System.Net.IPEndPoint)pair.Near.LocalEndPoint!).Port.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(f => f[1].EndsWith(":" + port, StringComparison.Ordinal) && f[3] == "08"))
        {
            await Task.Delay(1, deadline.Token);
        }
    }
}
