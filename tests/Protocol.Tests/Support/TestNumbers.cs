using System.Globalization;
using System.Numerics;

namespace IotSquares.Protocol.Tests.Support;

/// <summary>Big test numbers and the generators of random integers.</summary>
internal static class TestNumbers
{
    /// <summary>A 60-digit number: far beyond 128 bits.</summary>
    public const string Sixty = "123456789012345678901234567890123456789012345678901234567890";

    /// <summary>The square of <paramref name="text"/>, computed with <see cref="BigInteger"/>, as text.</summary>
    public static string SquareOf(string text)
    {
        BigInteger value = BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return (value * value).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A string of <paramref name="count"/> digits that does not start with zero.</summary>
    public static string Digits(int count) =>
        string.Concat(Enumerable.Range(0, count).Select(static i => (char)('1' + (i % 9))));
}
