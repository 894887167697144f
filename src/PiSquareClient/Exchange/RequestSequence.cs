using System.Numerics;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Client.Exchange;

/// <summary>The integers a run sends: <c>Start, Start+1, …, Start+Count-1</c>, the textbook's <c>range()</c>.</summary>
internal sealed class RequestSequence
{
    private readonly BigInteger _start;
    private readonly long _smallStart;
    private readonly bool _fitsInInt64;

    public RequestSequence(BigInteger start, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _start = start;
        Count = count;
        _fitsInInt64 = start >= long.MinValue && start + count - 1 <= long.MaxValue;
        _smallStart = _fitsInInt64 ? (long)start : 0;
    }

    public long Count { get; }

    /// <summary>The integer sent as request number <paramref name="index"/> (from 0).</summary>
    public ProtocolInteger this[long index] => _fitsInInt64
        ? new ProtocolInteger(_smallStart + index)
        : new ProtocolInteger(_start + index);

    /// <summary>True when every integer of the sequence fits in 64 bits (the fast paths apply).</summary>
    public bool FitsInInt64 => _fitsInInt64;

    /// <summary>Request number <paramref name="index"/> as a 64-bit integer; only when <see cref="FitsInInt64"/>.</summary>
    public long Int64At(long index) => _smallStart + index;

    /// <summary>The most digits any integer of the sequence has.</summary>
    public int MaxDigits()
    {
        BigInteger first = BigInteger.Abs(_start);
        BigInteger last = BigInteger.Abs(_start + Math.Max(Count - 1, 0));
        return BigInteger.Max(first, last).ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
    }
}
