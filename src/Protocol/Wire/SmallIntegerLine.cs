namespace IotSquares.Protocol.Wire;

/// <summary>
/// The common line of the framed dialect read in one pass over a span: a canonical decimal integer
/// (optional '-', no leading zeros, no '+') small enough that its square fits in 63 bits, then LF.
/// Anything else is left to the general parser, which gives every other form the same answer as before;
/// this only takes the lines whose meaning is beyond doubt, without framing them through a sequence.
/// </summary>
public static class SmallIntegerLine
{
    /// <summary>The largest magnitude taken: its square, 9,223,372,030,926,249,001, still fits in a long.</summary>
    public const long MaxMagnitude = 3_037_000_499;

    /// <summary>
    /// Reads one line from the front of <paramref name="bytes"/>. Returns the bytes of the line with its
    /// LF, or 0 when the front is not such a line (or not yet complete).
    /// </summary>
    /// <param name="bytes">Unread bytes.</param>
    /// <param name="maxDigits">The most digits a request may have (a smaller limit is the general parser's to report).</param>
    /// <param name="value">The integer, when the result is not 0.</param>
    public static int TryRead(ReadOnlySpan<byte> bytes, int maxDigits, out long value)
    {
        value = 0;
        int start = bytes.Length > 0 && bytes[0] == (byte)'-' ? 1 : 0;
        int limit = Math.Min(bytes.Length, start + 11); // at most 10 digits, and the LF
        long magnitude = 0;
        int i = start;
        for (; i < limit; i++)
        {
            uint digit = (uint)(bytes[i] - '0');
            if (digit > 9)
            {
                break;
            }

            magnitude = (magnitude * 10) + digit;
        }

        int digits = i - start;
        if (digits == 0 || i == limit || bytes[i] != (byte)'\n' || digits > maxDigits || magnitude > MaxMagnitude ||
            (digits > 1 && bytes[start] == (byte)'0') || (start == 1 && magnitude == 0))
        {
            return 0;
        }

        value = start == 1 ? -magnitude : magnitude;
        return i + 1;
    }
}
