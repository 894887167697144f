using System.Buffers;
using System.Globalization;
using System.Text;
using IotSquares.Protocol.Numbers;
using IotSquares.TestKit;

namespace IotSquares.Protocol.Benchmarks;

/// <summary>
/// One request value as the benchmarks use it: its wire text, the parsed value and its square.
/// Small cases fit in 64 bits (the allocation-free path); large ones need <see cref="System.Numerics.BigInteger"/>.
/// </summary>
public sealed class NumberCase : IComparable
{
    private static int s_created;
    private readonly int _order;

    private NumberCase(string name, string digits)
    {
        _order = s_created++;
        Name = name;
        Text = Encoding.ASCII.GetBytes(digits);
        Line = Encoding.ASCII.GetBytes(digits + "\n");
        if (IntegerText.TryParse(Text, int.MaxValue, out ProtocolInteger value) != Errors.ErrorCode.None)
        {
            throw new InvalidOperationException($"Not an integer: {name}");
        }

        Value = value;
        Square = value.Square();
    }

    /// <summary>How the case appears in the results table.</summary>
    public string Name { get; }

    /// <summary>The integer's digits, without terminator.</summary>
    public byte[] Text { get; }

    /// <summary>The framed request line: digits and LF.</summary>
    public byte[] Line { get; }

    /// <summary>The parsed value.</summary>
    public ProtocolInteger Value { get; }

    /// <summary>Its square: what the server writes back.</summary>
    public ProtocolInteger Square { get; }

    /// <summary>Values that fit in 64 bits: 7, 123456789 and long.MaxValue.</summary>
    public static IEnumerable<NumberCase> Small { get; } =
    [
        new("7", "7"),
        new("123456789", "123456789"),
        new("long.MaxValue", long.MaxValue.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>Values that need BigInteger: 40, 400 and 4000 digits (within the default 4096-digit limit).</summary>
    public static IEnumerable<NumberCase> Large { get; } =
    [
        new("40 digits", Digits(40)),
        new("400 digits", Digits(400)),
        new("4000 digits", Digits(4000)),
    ];

    /// <summary>Every case, small first.</summary>
    public static IEnumerable<NumberCase> All { get; } = [.. Small, .. Large];

    /// <summary>
    /// <paramref name="line"/> cut into two segments in the middle, as a pipe delivers a line that
    /// straddles two reads.
    /// </summary>
    public static ReadOnlySequence<byte> Split(byte[] line)
    {
        int cut = Math.Max(1, line.Length / 2);
        return ChunkedSequence.Create([line.AsMemory(0, cut), line.AsMemory(cut)]);
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Orders the cases as declared (small to large), which is how BenchmarkDotNet sorts the table.</summary>
    public int CompareTo(object? obj) => obj is NumberCase other ? _order.CompareTo(other._order) : 1;

    /// <inheritdoc />
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <inheritdoc />
    public override int GetHashCode() => _order;

    /// <summary>Same case.</summary>
    public static bool operator ==(NumberCase? left, NumberCase? right) => ReferenceEquals(left, right);

    /// <summary>Different cases.</summary>
    public static bool operator !=(NumberCase? left, NumberCase? right) => !ReferenceEquals(left, right);

    /// <summary>Declared earlier.</summary>
    public static bool operator <(NumberCase left, NumberCase right) => Order(left) < Order(right);

    /// <summary>Declared earlier or same.</summary>
    public static bool operator <=(NumberCase left, NumberCase right) => Order(left) <= Order(right);

    /// <summary>Declared later.</summary>
    public static bool operator >(NumberCase left, NumberCase right) => Order(left) > Order(right);

    /// <summary>Declared later or same.</summary>
    public static bool operator >=(NumberCase left, NumberCase right) => Order(left) >= Order(right);

    private static int Order(NumberCase value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value._order;
    }

    // Deterministic digits with no leading zero: 1, then a repeating 1-9 walk.
    private static string Digits(int count)
    {
        var text = new StringBuilder(count);
        for (int i = 0; i < count; i++)
        {
            text.Append((char)('1' + ((i * 7) % 9)));
        }

        return text.ToString();
    }
}
