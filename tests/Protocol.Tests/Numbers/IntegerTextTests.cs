using System.Buffers;
using System.Globalization;
using System.Numerics;
using CsCheck;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Numbers;

public class IntegerTextTests
{
    [Theory]
    [InlineData("", ErrorCode.EmptyRequest)]
    [InlineData("\u0000", ErrorCode.InvalidCharacters)]
    [InlineData("1\u00002", ErrorCode.InvalidCharacters)]
    [InlineData("\u00FF", ErrorCode.InvalidCharacters)]
    [InlineData("\u00C3\u0028", ErrorCode.InvalidCharacters)]
    [InlineData("\t", ErrorCode.InvalidCharacters)]
    [InlineData("1\r", ErrorCode.InvalidCharacters)]
    [InlineData("\u007F", ErrorCode.InvalidCharacters)]
    [InlineData("abc\u0000", ErrorCode.InvalidCharacters)] // bad bytes are named before bad syntax
    [InlineData("abc", ErrorCode.NotAnInteger)]
    [InlineData("12a", ErrorCode.NotAnInteger)]
    [InlineData("-", ErrorCode.NotAnInteger)]
    [InlineData("+", ErrorCode.NotAnInteger)]
    [InlineData("+-1", ErrorCode.NotAnInteger)]
    [InlineData(" 5", ErrorCode.NotAnInteger)]
    [InlineData("5 ", ErrorCode.NotAnInteger)]
    [InlineData("1e5", ErrorCode.NotAnInteger)]
    [InlineData("1,000", ErrorCode.NotAnInteger)]
    [InlineData("12345678901", ErrorCode.TooManyDigits)]
    [InlineData("-12345678901", ErrorCode.TooManyDigits)]
    [InlineData("1234567890a", ErrorCode.NotAnInteger)] // syntax is judged before length
    public void Refusals_name_the_first_problem(string text, ErrorCode expected)
    {
        Assert.Equal(expected, IntegerText.TryParse(Sequences.Bytes(text), 10, out ProtocolInteger value));
        Assert.Equal(default, value);
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("-0", "0")]
    [InlineData("+0", "0")]
    [InlineData("+42", "42")]
    [InlineData("-42", "-42")]
    [InlineData("0000000042", "42")]
    [InlineData("999999999999999999", "999999999999999999")]
    [InlineData("-999999999999999999", "-999999999999999999")]
    [InlineData("9223372036854775807", "9223372036854775807")]
    [InlineData("-9223372036854775808", "-9223372036854775808")]
    [InlineData("9223372036854775808", "9223372036854775808")]
    [InlineData("-9223372036854775809", "-9223372036854775809")]
    [InlineData("9999999999999999999", "9999999999999999999")]
    [InlineData("-9999999999999999999", "-9999999999999999999")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("18446744073709551616", "18446744073709551616")]
    [InlineData("-0000000000000000000009223372036854775808", "-9223372036854775808")]
    [InlineData("170141183460469231731687303715884105727", "170141183460469231731687303715884105727")]
    [InlineData("170141183460469231731687303715884105728", "170141183460469231731687303715884105728")]
    [InlineData(TestNumbers.Sixty, TestNumbers.Sixty)]
    public void Integers_are_parsed_exactly(string text, string expected)
    {
        Assert.Equal(ErrorCode.None, IntegerText.TryParse(Sequences.Bytes(text), 100, out ProtocolInteger value));
        Assert.Equal(expected, value.ToString());
        Assert.Equal(BigInteger.Parse(expected, CultureInfo.InvariantCulture), value.ToBigInteger());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(18)]
    [InlineData(19)]
    [InlineData(100)]
    [InlineData(4096)]
    public void Exactly_max_digits_is_accepted_and_one_more_is_too_many(int maxDigits)
    {
        string digits = TestNumbers.Digits(maxDigits);

        Assert.Equal(ErrorCode.None, IntegerText.TryParse(Sequences.Bytes(digits), maxDigits, out ProtocolInteger value));
        Assert.Equal(digits, value.ToString());
        Assert.Equal(ErrorCode.None, IntegerText.TryParse(Sequences.Bytes("-" + digits), maxDigits, out value));
        Assert.Equal("-" + digits, value.ToString());
        Assert.Equal(ErrorCode.TooManyDigits, IntegerText.TryParse(Sequences.Bytes(digits + "1"), maxDigits, out _));
        Assert.Equal(ErrorCode.TooManyDigits, IntegerText.TryParse(Sequences.Bytes("+0" + digits), maxDigits, out _));
    }

    [Theory]
    [InlineData("-123")]
    [InlineData(TestNumbers.Sixty)]
    [InlineData("12a")]
    [InlineData("")]
    public void The_sequence_overload_agrees_with_the_span_overload_at_every_split(string text)
    {
        byte[] bytes = Sequences.Bytes(text);
        ErrorCode expected = IntegerText.TryParse(bytes, 100, out ProtocolInteger expectedValue);

        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(bytes))
        {
            ErrorCode actual = IntegerText.TryParse(Sequences.Create(pieces), 100, out ProtocolInteger value);
            Assert.True(expected == actual, how);
            Assert.True(expectedValue == value, how);
        }
    }

    [Fact]
    public void A_long_multi_segment_number_is_parsed_through_a_rented_buffer()
    {
        string digits = TestNumbers.Digits(1000);
        byte[] bytes = Sequences.Bytes("-" + digits);

        Assert.Equal(ErrorCode.None, IntegerText.TryParse(Sequences.Create(bytes[..300], bytes[300..700], bytes[700..]), 1000, out ProtocolInteger value));
        Assert.Equal("-" + digits, value.ToString());
        Assert.True(value.IsBig);
    }

    [Fact]
    public void Valid_text_agrees_with_BigInteger_Parse()
    {
        Generators.IntegerTexts.Sample(text =>
        {
            byte[] bytes = Sequences.Bytes(text);
            Assert.Equal(ErrorCode.None, IntegerText.TryParse(bytes, 300, out ProtocolInteger value));
            Assert.Equal(BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), value.ToBigInteger());

            int cut = bytes.Length / 2;
            if (cut > 0)
            {
                Assert.Equal(ErrorCode.None, IntegerText.TryParse(Sequences.Create(bytes[..cut], bytes[cut..]), 300, out ProtocolInteger split));
                Assert.Equal(value, split);
            }
        });
    }

    [Fact]
    public void Text_is_an_integer_exactly_when_BigInteger_with_a_leading_sign_says_so()
    {
        Generators.NearIntegerTexts.Sample(text =>
        {
            ErrorCode error = IntegerText.TryParse(Sequences.Bytes(text), 300, out ProtocolInteger value);
            bool parsed = BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out BigInteger expected);

            Assert.Equal(parsed, error == ErrorCode.None);
            if (parsed)
            {
                Assert.Equal(expected, value.ToBigInteger());
            }
            else if (text.Length == 0)
            {
                Assert.Equal(ErrorCode.EmptyRequest, error);
            }
            else if (text.Contains('\t', StringComparison.Ordinal))
            {
                Assert.Equal(ErrorCode.InvalidCharacters, error);
            }
            else
            {
                Assert.Equal(ErrorCode.NotAnInteger, error);
            }
        });
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        Gen.Select(Generators.WireBytes, Gen.Int[1, 50]).Sample((bytes, maxDigits) =>
        {
            ErrorCode error = IntegerText.TryParse(bytes, maxDigits, out _);
            Assert.True(Enum.IsDefined(error));
            Assert.Equal(error, IntegerText.TryParse(Sequences.Create(Sequences.OneBytePieces(bytes)), maxDigits, out _));
        });
    }

    [Fact]
    public void An_empty_sequence_is_an_empty_request()
    {
        Assert.Equal(ErrorCode.EmptyRequest, IntegerText.TryParse(ReadOnlySequence<byte>.Empty, 10, out _));
    }
}
