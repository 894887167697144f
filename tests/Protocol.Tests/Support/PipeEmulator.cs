using System.Buffers;
using IotSquares.TestKit;

namespace IotSquares.Protocol.Tests.Support;

/// <summary>A parser with the shape of the library's TryParse methods: consumes from the front of the buffer.</summary>
internal delegate bool BufferParser<T>(ref ReadOnlySequence<byte> buffer, out T item);

/// <summary>What a read loop got out of a stream: the items in order, and the bytes left unconsumed.</summary>
internal sealed record PipeResult<T>(IReadOnlyList<T> Items, string Rest, bool Stopped);

/// <summary>
/// Emulates a System.IO.Pipelines read loop without a pipe: each read appends one piece after the
/// unconsumed rest (as another segment), the parser is called until it asks for more, and what it
/// did not consume is kept for the next read.
/// </summary>
internal static class PipeEmulator
{
    /// <summary>
    /// Feeds <paramref name="pieces"/> one read at a time. <paramref name="stop"/> ends the loop after an
    /// item that means the stream can no longer be framed (such an item leaves the buffer unconsumed).
    /// </summary>
    public static PipeResult<T> Feed<T>(IEnumerable<byte[]> pieces, BufferParser<T> parse, Func<T, bool>? stop = null)
    {
        var items = new List<T>();
        var reads = new ReadLoopBuffer();
        foreach (byte[] piece in pieces)
        {
            ReadOnlySequence<byte> buffer = reads.Append(piece);
            long before = buffer.Length;
            while (parse(ref buffer, out T item))
            {
                items.Add(item);
                if (stop is not null && stop(item))
                {
                    return new PipeResult<T>(items, Sequences.Text(buffer), Stopped: true);
                }

                before = EnsureProgress(before, buffer, item);
            }

            // The rest keeps its segments, as a pipe's reader would see them after AdvanceTo(consumed, examined).
            reads.Keep(buffer);
        }

        return new PipeResult<T>(items, Sequences.Text(reads.Unconsumed), Stopped: false);
    }

    /// <summary>Parses <paramref name="data"/> delivered whole, in one segment.</summary>
    public static PipeResult<T> FeedWhole<T>(byte[] data, BufferParser<T> parse, Func<T, bool>? stop = null) =>
        Feed([data], parse, stop);

    /// <summary>
    /// Parses bytes present all at once but laid out over the segments <paramref name="pieces"/>
    /// (a pipe that buffered several reads before the parser ran).
    /// </summary>
    public static PipeResult<T> FeedSegmented<T>(byte[][] pieces, BufferParser<T> parse, Func<T, bool>? stop = null)
    {
        var items = new List<T>();
        ReadOnlySequence<byte> buffer = Sequences.Create(pieces);
        long before = buffer.Length;
        while (parse(ref buffer, out T item))
        {
            items.Add(item);
            if (stop is not null && stop(item))
            {
                return new PipeResult<T>(items, Sequences.Text(buffer), Stopped: true);
            }

            before = EnsureProgress(before, buffer, item);
        }

        return new PipeResult<T>(items, Sequences.Text(buffer), Stopped: false);
    }

    // A parser that yields an item without consuming a byte would be called forever; fail instead.
    private static long EnsureProgress<T>(long before, in ReadOnlySequence<byte> buffer, T item)
    {
        if (buffer.Length >= before)
        {
            throw new InvalidOperationException($"The parser returned {item} without consuming anything, and the loop was not told to stop.");
        }

        return buffer.Length;
    }
}
