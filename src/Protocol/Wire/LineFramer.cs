using System.Buffers;

namespace IotSquares.Protocol.Wire;

/// <summary>
/// Splits a byte stream into LF-terminated lines (a CR before the LF is dropped) with a maximum
/// length. Pure and allocation-free: it only slices the sequence it is given.
/// </summary>
public static class LineFramer
{
    private const byte LineFeed = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    /// <summary>
    /// Takes one line from the front of <paramref name="buffer"/>. On <see cref="LineStatus.Complete"/>
    /// the buffer is advanced past the terminator; otherwise it is left as it was. The answer is the
    /// same however the stream was split into reads: a line of more than <paramref name="maxLineLength"/>
    /// bytes is reported as too long as soon as that is certain, and never before.
    /// </summary>
    /// <param name="buffer">Unread bytes; advanced past the line on success.</param>
    /// <param name="maxLineLength">The most bytes a line may hold, without its LF or CRLF.</param>
    /// <param name="line">The line without its terminator, when complete.</param>
    public static LineStatus TryReadLine(ref ReadOnlySequence<byte> buffer, int maxLineLength, out ReadOnlySequence<byte> line)
    {
        SequencePosition? lineFeed = buffer.PositionOf(LineFeed);
        if (lineFeed is null)
        {
            line = default;

            // Without a terminator, maxLineLength bytes and a CR may still be a legal line in the making;
            // more bytes, or maxLineLength + 1 bytes that do not end in a CR, never can.
            long length = buffer.Length;
            bool tooLong = length > (long)maxLineLength + 1 ||
                (length > 0 && length == (long)maxLineLength + 1 && !EndsWithCarriageReturn(buffer));
            return tooLong ? LineStatus.TooLong : LineStatus.Incomplete;
        }

        line = buffer.Slice(0, lineFeed.Value);
        if (!line.IsEmpty && EndsWithCarriageReturn(line))
        {
            line = line.Slice(0, line.Length - 1);
        }

        if (line.Length > maxLineLength)
        {
            line = default;
            return LineStatus.TooLong;
        }

        buffer = buffer.Slice(buffer.GetPosition(1, lineFeed.Value));
        return LineStatus.Complete;
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return line.FirstSpan[^1] == CarriageReturn;
        }

        return line.Slice(line.Length - 1).FirstSpan[0] == CarriageReturn;
    }
}
