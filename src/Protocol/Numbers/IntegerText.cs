using System.Buffers;
using System.Globalization;
using System.Numerics;
using IotSquares.Protocol.Errors;

namespace IotSquares.Protocol.Numbers;

/// <summary>
/// Parses the protocol's integer syntax: an optional '+' or '-', then one or more ASCII digits
/// and nothing else. Shared by both dialects and both directions.
/// </summary>
public static class IntegerText
{
    // 19 digits always fit in a ulong (10^19 - 1 < 2^64); whether they fit in a long is checked after.
    private const int MaxDigitsForUInt64 = 19;

    // Above this a parse buffer is rented instead of taken from the stack.
    private const int StackLimit = 256;

    /// <summary>
    /// Parses <paramref name="text"/> as one integer. Checks, in this order: empty (401),
    /// characters no integer may contain such as NUL, control bytes or non-ASCII (403),
    /// syntax (400), and the digit count (402).
    /// </summary>
    /// <param name="text">The bytes of the number, without terminator.</param>
    /// <param name="maxDigits">The most digits accepted.</param>
    /// <param name="value">The integer, when the result is <see cref="ErrorCode.None"/>.</param>
    /// <returns><see cref="ErrorCode.None"/> or the reason the text is not an acceptable integer.</returns>
    public static ErrorCode TryParse(ReadOnlySpan<byte> text, int maxDigits, out ProtocolInteger value)
    {
        value = default;
        if (text.IsEmpty)
        {
            return ErrorCode.EmptyRequest;
        }

        // Bytes no integer can contain get their own error: they usually mean a binary or
        // wrongly encoded peer, not a typo, and the operator wants to tell the two apart.
        if (text.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0)
        {
            return ErrorCode.InvalidCharacters;
        }

        bool negative = text[0] == (byte)'-';
        ReadOnlySpan<byte> digits = text[0] is (byte)'-' or (byte)'+' ? text[1..] : text;
        if (digits.IsEmpty || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return ErrorCode.NotAnInteger;
        }

        if (digits.Length > maxDigits)
        {
            return ErrorCode.TooManyDigits;
        }

        if (digits.Length <= MaxDigitsForUInt64)
        {
            ulong magnitude = 0;
            foreach (byte digit in digits)
            {
                magnitude = (magnitude * 10) + (ulong)(digit - '0');
            }

            // Every 64-bit value, long.MinValue included, takes this allocation-free path.
            if (magnitude <= long.MaxValue)
            {
                value = new ProtocolInteger(negative ? -(long)magnitude : (long)magnitude);
                return ErrorCode.None;
            }

            if (negative && magnitude == 1UL << 63)
            {
                value = new ProtocolInteger(long.MinValue);
                return ErrorCode.None;
            }
        }

        value = new ProtocolInteger(ParseBig(digits, negative));
        return ErrorCode.None;
    }

    /// <summary>Parses text that may span several buffer segments.</summary>
    /// <inheritdoc cref="TryParse(ReadOnlySpan{byte}, int, out ProtocolInteger)"/>
    public static ErrorCode TryParse(in ReadOnlySequence<byte> text, int maxDigits, out ProtocolInteger value)
    {
        if (text.IsSingleSegment)
        {
            return TryParse(text.FirstSpan, maxDigits, out value);
        }

        // The caller's limits bound the length; copy once into contiguous memory.
        int length = checked((int)text.Length);
        byte[]? rented = null;
        Span<byte> buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            text.CopyTo(buffer);
            return TryParse(buffer[..length], maxDigits, out value);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static BigInteger ParseBig(ReadOnlySpan<byte> digits, bool negative)
    {
        char[]? rented = null;
        Span<char> chars = digits.Length <= StackLimit ? stackalloc char[StackLimit] : (rented = ArrayPool<char>.Shared.Rent(digits.Length));
        try
        {
            for (int i = 0; i < digits.Length; i++)
            {
                chars[i] = (char)digits[i];
            }

            BigInteger magnitude = BigInteger.Parse(chars[..digits.Length], NumberStyles.None, CultureInfo.InvariantCulture);
            return negative ? -magnitude : magnitude;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
