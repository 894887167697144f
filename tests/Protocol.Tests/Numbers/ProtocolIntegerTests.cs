using System.Globalization;
using System.Numerics;
using CsCheck;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Numbers;

public class ProtocolIntegerTests
{
    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(long.MinValue + 1)]
    [InlineData(long.MaxValue)]
    [InlineData(-1L)]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(3037000499L)]
    [InlineData(3037000500L)]
    [InlineData(-4294967296L)]
    public void The_square_of_a_long_is_exact(long value)
    {
        ProtocolInteger square = new ProtocolInteger(value).Square();

        Assert.Equal((BigInteger)value * value, square.ToBigInteger());
        Assert.Equal(((BigInteger)value * value).ToString(CultureInfo.InvariantCulture), square.ToString());
        Assert.False(square.IsBig);
    }

    [Fact]
    public void The_square_of_long_MinValue_is_two_to_the_126th()
    {
        ProtocolInteger square = new ProtocolInteger(long.MinValue).Square();

        Assert.Equal(BigInteger.Pow(2, 126), square.ToBigInteger());
        Assert.Equal("85070591730234615865843651857942052864", square.ToString());
        Assert.False(square.TryGetInt64(out _));
    }

    [Fact]
    public void The_square_of_long_MaxValue_is_exact()
    {
        Assert.Equal("85070591730234615847396907784232501249", new ProtocolInteger(long.MaxValue).Square().ToString());
    }

    [Fact]
    public void Squares_beyond_128_bits_are_big()
    {
        var value = new ProtocolInteger(BigInteger.Pow(2, 64));
        ProtocolInteger square = value.Square();

        Assert.False(value.IsBig);
        Assert.False(value.TryGetInt64(out _));
        Assert.True(square.IsBig);
        Assert.Equal(BigInteger.Pow(2, 128), square.ToBigInteger());
    }

    [Fact]
    public void Int128_boundaries_choose_the_compact_form_exactly_when_the_value_fits()
    {
        Assert.False(new ProtocolInteger((BigInteger)Int128.MaxValue).IsBig);
        Assert.False(new ProtocolInteger((BigInteger)Int128.MinValue).IsBig);
        Assert.True(new ProtocolInteger((BigInteger)Int128.MaxValue + 1).IsBig);
        Assert.True(new ProtocolInteger((BigInteger)Int128.MinValue - 1).IsBig);
        Assert.Equal(new ProtocolInteger(Int128.MaxValue), new ProtocolInteger((BigInteger)Int128.MaxValue));
    }

    [Fact]
    public void Equal_values_are_equal_however_they_were_made()
    {
        var fromLong = new ProtocolInteger(-42);
        var fromBig = new ProtocolInteger(new BigInteger(-42));
        ProtocolInteger fromConversion = -42L;
        ProtocolInteger fromNamed = ProtocolInteger.FromBigInteger(new BigInteger(-42));

        Assert.Equal(fromLong, fromBig);
        Assert.True(fromLong == fromConversion);
        Assert.False(fromLong != fromNamed);
        Assert.Equal(fromLong.GetHashCode(), fromBig.GetHashCode());
        Assert.True(fromLong.Equals((object)fromBig));
        Assert.NotEqual(fromLong, ProtocolInteger.FromInt64(42));
        Assert.Equal(new ProtocolInteger(0), default);
    }

    [Fact]
    public void TryGetInt64_gives_back_what_fits()
    {
        Assert.True(new ProtocolInteger(long.MinValue).TryGetInt64(out long min));
        Assert.Equal(long.MinValue, min);
        Assert.False(new ProtocolInteger((BigInteger)long.MaxValue + 1).TryGetInt64(out long none));
        Assert.Equal(0, none);
    }

    [Fact]
    public void TryFormat_refuses_a_destination_too_small()
    {
        Assert.False(new ProtocolInteger(-12345).TryFormat(new byte[5], out _));
        Assert.True(new ProtocolInteger(-12345).TryFormat(new byte[6], out int written));
        Assert.Equal(6, written);

        var big = new ProtocolInteger(BigInteger.Parse(TestNumbers.Sixty, CultureInfo.InvariantCulture));
        Assert.False(big.TryFormat(new byte[59], out int none));
        Assert.Equal(0, none);
        byte[] exact = new byte[60];
        Assert.True(big.TryFormat(exact, out written));
        Assert.Equal(TestNumbers.Sixty, Sequences.Text(exact.AsSpan(0, written)));
    }

    [Fact]
    public void Square_equals_BigInteger_multiplication_for_any_long()
    {
        Generators.Longs.Sample(value =>
        {
            ProtocolInteger square = new ProtocolInteger(value).Square();
            Assert.Equal((BigInteger)value * value, square.ToBigInteger());
            Assert.False(square.IsBig);
        });
    }

    [Fact]
    public void Square_equals_BigInteger_multiplication_for_big_integers()
    {
        Generators.BigIntegers.Sample(value =>
        {
            ProtocolInteger square = new ProtocolInteger(value).Square();
            BigInteger expected = value * value;
            Assert.Equal(expected, square.ToBigInteger());
            Assert.Equal(new ProtocolInteger(expected), square);
            Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), square.ToString());
        });
    }

    [Fact]
    public void The_formatted_length_bound_holds_and_formatting_matches_ToString()
    {
        Gen<BigInteger> values = Gen.OneOf(
            Generators.BigIntegers,
            Gen.Select(Gen.Int[0, 1100], Gen.Bool, static (power, negative) =>
            {
                BigInteger p = BigInteger.Pow(2, power);
                return negative ? -p : p - 1;
            }));
        values.Sample(value =>
        {
            var integer = new ProtocolInteger(value);
            string text = value.ToString(CultureInfo.InvariantCulture);
            Assert.True(text.Length <= integer.MaxFormattedLength, $"{text.Length} > {integer.MaxFormattedLength}");

            byte[] destination = new byte[integer.MaxFormattedLength];
            Assert.True(integer.TryFormat(destination, out int written));
            Assert.Equal(text, Sequences.Text(destination.AsSpan(0, written)));
            Assert.Equal(text, integer.ToString());
        });
    }
}
