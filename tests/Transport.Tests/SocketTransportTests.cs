using System.Buffers;
using System.IO.Pipelines;

namespace IotSquares.Transport.Tests;

/// <summary>
/// What <see cref="SocketTransport"/> answers without asking the kernel: whether more bytes wait after a read
/// (only a read that filled its buffer may have left some), and the read that goes straight for the bytes
/// after a pipelined batch (<see cref="SocketTransport.ReadOnWithoutWaiting"/>), which must still deliver
/// every byte and still wait for bytes that have not come yet.
/// </summary>
public sealed class SocketTransportTests
{
    private static readonly StreamPipeReaderOptions SmallReads = new(bufferSize: 16, minimumReadSize: 16, leaveOpen: true, useZeroByteReads: true);
    private static readonly StreamPipeWriterOptions Writes = new(leaveOpen: true);

    [Fact]
    public async Task A_read_that_took_everything_reports_nothing_waiting_and_a_full_read_reports_the_rest()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        var transport = new SocketTransport(pair.Near, SocketSpinning.Off, SmallReads, Writes);

        await pair.Far.SendAsync("12345"u8.ToArray());
        ReadResult first = await transport.Input.ReadAsync();
        Assert.Equal(5, first.Buffer.Length);
        Assert.False(transport.HasUnreadBytes);
        transport.Input.AdvanceTo(first.Buffer.End);

        byte[] longer = new byte[40];
        await pair.Far.SendAsync(longer);
        await pair.WaitUntilNearHasBytesAsync();
        ReadResult second = await transport.Input.ReadAsync();
        Assert.InRange(second.Buffer.Length, 16, 39); // a small read filled up: the rest waits in the socket
        Assert.True(transport.HasUnreadBytes);
        transport.Input.AdvanceTo(second.Buffer.End);
        await transport.CloseAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Reading_on_without_waiting_still_delivers_bytes_that_come_later()
    {
        using SocketPair pair = await SocketPair.ConnectAsync();
        var transport = new SocketTransport(pair.Near, SocketSpinning.Off, SmallReads, Writes);

        transport.ReadOnWithoutWaiting();
        ValueTask<ReadResult> pending = transport.Input.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.False(pending.IsCompleted); // nothing sent yet: the read waits for it
        await pair.Far.SendAsync("abc"u8.ToArray());
        ReadResult result = await pending;
        Assert.Equal("abc"u8.ToArray(), result.Buffer.ToArray());
        transport.Input.AdvanceTo(result.Buffer.End);
        await transport.CloseAsync(TimeSpan.FromSeconds(1));
    }
}
