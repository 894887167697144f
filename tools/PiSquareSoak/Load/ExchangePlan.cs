using System.Globalization;
using System.Numerics;

namespace IotSquares.Soak.Load;

/// <summary>The kinds of first integer an exchange starts from.</summary>
internal enum StartKind
{
    /// <summary>0 to 999,999.</summary>
    Small,

    /// <summary>-1 to -10^12.</summary>
    Negative,

    /// <summary>A range across ±3,037,000,499, where the square stops fitting in 64 bits.</summary>
    SquareOverflow,

    /// <summary>A range across long.MaxValue or long.MinValue, where the integer itself stops fitting.</summary>
    Int64Edge,

    /// <summary>±2^64 to ±2^256.</summary>
    Big,

    /// <summary>±10^299 to ±10^600: hundreds of digits, still far below the server's 4096.</summary>
    Huge,
}

/// <summary>One exchange a client loop runs: <see cref="Count"/> consecutive integers from <see cref="Start"/>.</summary>
/// <param name="Start">The first integer.</param>
/// <param name="Count">How many integers.</param>
/// <param name="Kind">What sort of start it is.</param>
internal sealed record ExchangePlan(BigInteger Start, long Count, StartKind Kind)
{
    private static readonly (int Length, int Weight)[] Lengths = [(1, 3), (10, 4), (100, 4), (500, 2), (2000, 1)];
    private static readonly (StartKind Kind, int Weight)[] Kinds =
        [(StartKind.Small, 3), (StartKind.Negative, 2), (StartKind.SquareOverflow, 1), (StartKind.Int64Edge, 1), (StartKind.Big, 2), (StartKind.Huge, 1)];

    /// <summary>The integer whose square is the largest that fits in a signed 64-bit integer.</summary>
    public const long LargestInt64Root = 3_037_000_499;

    /// <summary>
    /// Chooses the next exchange: a length from 1 to about 3000 (mostly short ones, so connections
    /// come and go), and a start of a random kind.
    /// </summary>
    public static ExchangePlan Next(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int length = Pick(random, Lengths);
        long count = length + random.Next((length / 2) + 1);
        StartKind kind = Pick(random, Kinds);
        bool negative = random.Next(2) == 0;
        BigInteger start = kind switch
        {
            StartKind.Small => random.Next(1_000_000),
            StartKind.Negative => -random.NextInt64(1, 1_000_000_000_001),
            StartKind.SquareOverflow => (negative ? -LargestInt64Root : LargestInt64Root) - (count / 2),
            StartKind.Int64Edge => negative ? new BigInteger(long.MinValue) - (count / 2) : new BigInteger(long.MaxValue) - (count / 2),
            StartKind.Big => Sign(negative, RandomBits(random, random.Next(65, 257))),
            _ => Sign(negative, BigInteger.Pow(10, random.Next(299, 600)) + RandomBits(random, 512)),
        };
        return new ExchangePlan(start, count, kind);
    }

    /// <summary>How the plan reads in an error message.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Count} integers from {Abbreviate(Start)} ({Kind})");

    private static string Abbreviate(BigInteger value)
    {
        string text = value.ToString(CultureInfo.InvariantCulture);
        return text.Length <= 40 ? text : string.Create(CultureInfo.InvariantCulture, $"{text[..20]}...({text.Length} chars)");
    }

    private static BigInteger Sign(bool negative, BigInteger magnitude) => negative ? -magnitude : magnitude;

    // A non-negative integer of exactly `bits` bits (the top bit set).
    private static BigInteger RandomBits(Random random, int bits)
    {
        byte[] bytes = new byte[(bits / 8) + 2];
        random.NextBytes(bytes);
        bytes[^1] = 0;
        var value = new BigInteger(bytes, isUnsigned: true);
        BigInteger top = BigInteger.One << (bits - 1);
        return (value % top) + top;
    }

    private static T Pick<T>(Random random, (T Value, int Weight)[] choices)
    {
        int total = 0;
        foreach ((_, int weight) in choices)
        {
            total += weight;
        }

        int roll = random.Next(total);
        foreach ((T value, int weight) in choices)
        {
            if (roll < weight)
            {
                return value;
            }

            roll -= weight;
        }

        return choices[^1].Value;
    }
}
