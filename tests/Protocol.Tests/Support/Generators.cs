using System.Globalization;
using System.Numerics;
using CsCheck;

namespace IotSquares.Protocol.Tests.Support;

/// <summary>CsCheck generators shared by the property tests.</summary>
internal static class Generators
{
    /// <summary>Bytes that mean something to the parsers, so random input often gets past the first check.</summary>
    private static readonly byte[] Interesting =
        Sequences.Bytes("0123456789+- \t\r\n\r\nHELOBYWCMR squares/1,2= ERR BYE HELLO Hi there!\u0000\u007F\u0080\u00C3\u00FF");

    /// <summary>A string of 1 to 300 decimal digits, leading zeros allowed.</summary>
    public static Gen<string> DigitString { get; } = Gen.Char['0', '9'].Array[1, 300].Select(static chars => new string(chars));

    /// <summary>Integers of up to 300 digits, negatives included.</summary>
    public static Gen<BigInteger> BigIntegers { get; } = Gen.Select(Gen.Bool, DigitString, static (negative, digits) =>
    {
        BigInteger magnitude = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return negative ? -magnitude : magnitude;
    });

    /// <summary>Any 64-bit value, with the extremes made likely.</summary>
    public static Gen<long> Longs { get; } = Gen.Frequency(
        (8, (IGen<long>)Gen.Long),
        (1, Gen.OneOfConst(long.MinValue, long.MaxValue, long.MinValue + 1, 0L, -1L, 1L)));

    /// <summary>Valid protocol integer text: an optional sign, then digits.</summary>
    public static Gen<string> IntegerTexts { get; } = Gen.Select(Gen.OneOfConst(string.Empty, "+", "-"), DigitString, static (sign, digits) => sign + digits);

    /// <summary>Short strings over an alphabet close to integer syntax: most are invalid, some are valid.</summary>
    public static Gen<string> NearIntegerTexts { get; } = Gen.Char["0123456789+- a.\t"].Array[0, 12].Select(static chars => new string(chars));

    /// <summary>Random bytes, half of them drawn from the protocol's own vocabulary.</summary>
    public static Gen<byte[]> WireBytes { get; } = Gen.Frequency(
        (1, (IGen<byte>)Gen.Byte),
        (1, Gen.OneOfConst(Interesting))).Array[0, 200];
}
