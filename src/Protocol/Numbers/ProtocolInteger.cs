using System.Globalization;
using System.Numerics;

namespace IotSquares.Protocol.Numbers;

/// <summary>
/// An integer of any size as the protocol carries it. Values that fit in 128 bits live in an
/// <see cref="Int128"/> so that the common case (squares of 64-bit numbers) never allocates;
/// only larger values fall back to <see cref="BigInteger"/>.
/// </summary>
public readonly struct ProtocolInteger : IEquatable<ProtocolInteger>
{
    private readonly Int128 _small;
    private readonly BigInteger _big;
    private readonly bool _isBig;

    /// <summary>Creates a value from a 64-bit integer.</summary>
    public ProtocolInteger(long value)
    {
        _small = value;
        _big = default;
        _isBig = false;
    }

    /// <summary>Creates a value from a 128-bit integer.</summary>
    public ProtocolInteger(Int128 value)
    {
        _small = value;
        _big = default;
        _isBig = false;
    }

    /// <summary>Creates a value from an integer of any size; small values are kept in the compact form.</summary>
    public ProtocolInteger(BigInteger value)
    {
        if (value >= (BigInteger)Int128.MinValue && value <= (BigInteger)Int128.MaxValue)
        {
            _small = (Int128)value;
            _big = default;
            _isBig = false;
        }
        else
        {
            _small = default;
            _big = value;
            _isBig = true;
        }
    }

    /// <summary>True when the value needs more than 128 bits.</summary>
    public bool IsBig => _isBig;

    /// <summary>The value as a <see cref="BigInteger"/> (allocates for values beyond 64 bits).</summary>
    public BigInteger ToBigInteger() => _isBig ? _big : (BigInteger)_small;

    /// <summary>The value as a 64-bit integer, when it fits.</summary>
    public bool TryGetInt64(out long value)
    {
        if (!_isBig && _small >= long.MinValue && _small <= long.MaxValue)
        {
            value = (long)_small;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>The square of this value, computed without allocation when the value fits in 64 bits.</summary>
    public ProtocolInteger Square()
    {
        if (TryGetInt64(out long small))
        {
            // |small| <= 2^63, so small*small <= 2^126: always inside Int128.
            Int128 wide = small;
            return new ProtocolInteger(wide * wide);
        }

        BigInteger big = ToBigInteger();
        return new ProtocolInteger(big * big);
    }

    /// <summary>An upper bound of the characters <see cref="TryFormat"/> writes.</summary>
    public int MaxFormattedLength
    {
        get
        {
            if (!_isBig)
            {
                return 40; // Int128.MinValue has 39 digits and a sign.
            }

            // log10(2) < 0.30103; one for rounding, one for the sign.
            long bits = _big.GetBitLength();
            return checked((int)(bits * 30103L / 100000L) + 2);
        }
    }

    /// <summary>Writes the value as ASCII decimal digits with a leading '-' when negative.</summary>
    /// <param name="destination">Where the digits go.</param>
    /// <param name="bytesWritten">How many bytes were written.</param>
    /// <returns>False when <paramref name="destination"/> is too small.</returns>
    public bool TryFormat(Span<byte> destination, out int bytesWritten)
    {
        return _isBig
            ? TryFormatBig(_big, destination, out bytesWritten)
            : _small.TryFormat(destination, out bytesWritten, default, CultureInfo.InvariantCulture);
    }

    // BigInteger formats only to UTF-16; digits are ASCII, so narrowing each char is exact.
    private static bool TryFormatBig(BigInteger value, Span<byte> destination, out int bytesWritten)
    {
        char[] rented = System.Buffers.ArrayPool<char>.Shared.Rent(destination.Length);
        try
        {
            if (!value.TryFormat(rented.AsSpan(0, destination.Length), out int charsWritten, default, CultureInfo.InvariantCulture))
            {
                bytesWritten = 0;
                return false;
            }

            for (int i = 0; i < charsWritten; i++)
            {
                destination[i] = (byte)rented[i];
            }

            bytesWritten = charsWritten;
            return true;
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        _isBig ? _big.ToString(CultureInfo.InvariantCulture) : _small.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public bool Equals(ProtocolInteger other) =>
        _isBig == other._isBig && (_isBig ? _big.Equals(other._big) : _small == other._small);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ProtocolInteger other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _isBig ? _big.GetHashCode() : _small.GetHashCode();

    /// <summary>Value equality.</summary>
    public static bool operator ==(ProtocolInteger left, ProtocolInteger right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(ProtocolInteger left, ProtocolInteger right) => !left.Equals(right);

    /// <summary>Converts a 64-bit integer.</summary>
    public static implicit operator ProtocolInteger(long value) => new(value);

    /// <summary>Converts an integer of any size.</summary>
    public static implicit operator ProtocolInteger(BigInteger value) => new(value);

    /// <summary>Converts a 64-bit integer (named alternative to the implicit operator).</summary>
    public static ProtocolInteger FromInt64(long value) => new(value);

    /// <summary>Converts an integer of any size (named alternative to the implicit operator).</summary>
    public static ProtocolInteger FromBigInteger(BigInteger value) => new(value);
}
