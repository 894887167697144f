using System.Buffers;

namespace IotSquares.Client.Exchange;

/// <summary>
/// The pipelined exchange's receive buffer: one contiguous array the socket reads into directly, so
/// replies are parsed from plain spans (no pipe segments, no copies) and a whole socket buffer's worth
/// of replies is taken with one read, as a C client does with one <c>recv</c> into a 64 KiB array.
/// </summary>
internal sealed class ReplyReceiver
{
    // The size a C client reads with; enough for thousands of 64-bit squares per read.
    private const int DefaultCapacity = 64 * 1024;

    private readonly byte[] _buffer;
    private int _start;
    private int _end;

    /// <param name="maxLineLength">The longest reply line the codec accepts; the buffer holds at least two.</param>
    /// <param name="seed">Bytes the connection had already received and not consumed.</param>
    public ReplyReceiver(int maxLineLength, in ReadOnlySequence<byte> seed)
    {
        long capacity = Math.Max(DefaultCapacity, (2L * maxLineLength) + 4 + seed.Length);
        _buffer = new byte[capacity];
        seed.CopyTo(_buffer);
        _end = (int)seed.Length;
    }

    /// <summary>The bytes received and not yet consumed.</summary>
    public ReadOnlySpan<byte> Unread => _buffer.AsSpan(_start, _end - _start);

    /// <summary>The same bytes as a sequence, for the codec's general parser.</summary>
    public ReadOnlySequence<byte> UnreadSequence => new(_buffer, _start, _end - _start);

    /// <summary>Marks <paramref name="count"/> bytes at the front as consumed.</summary>
    public void Consume(int count) => _start += count;

    /// <summary>Consumes up to <paramref name="position"/>, a position in <see cref="UnreadSequence"/>.</summary>
    public void ConsumeTo(SequencePosition position) => _start = position.GetInteger();

    /// <summary>Receives at least one more byte (waiting within the connection's receive timeout).</summary>
    public async ValueTask ReceiveAsync(ClientConnection connection, string waitingFor, CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_buffer.Length - _end < _buffer.Length / 4)
        {
            // Little room left: move the unconsumed tail (at most one partial line and a few replies) to the front.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        _end += await connection.ReceiveAsync(_buffer.AsMemory(_end), waitingFor, cancellationToken);
    }
}
