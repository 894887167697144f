namespace IotSquares.Protocol.Tests;

public class ProtocolLimitsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        ProtocolLimits.Default.Validate();
        Assert.Equal(4096, ProtocolLimits.Default.MaxDigits);
        Assert.Equal(8192, ProtocolLimits.Default.MaxLineLength);
        Assert.Equal(8193, ProtocolLimits.Default.MaxReplyLineLength);
    }

    [Theory]
    [InlineData(1, 128)]
    [InlineData(127, 128)]
    [InlineData(200, 201)]
    [InlineData(1_000_000, 1_000_001)]
    public void Consistent_limits_are_accepted(int maxDigits, int maxLineLength)
    {
        new ProtocolLimits { MaxDigits = maxDigits, MaxLineLength = maxLineLength }.Validate();
    }

    [Theory]
    [InlineData(0, 8192, "MaxDigits")]
    [InlineData(-1, 8192, "MaxDigits")]
    [InlineData(1_000_001, 2_000_000, "MaxDigits")]
    [InlineData(10, 127, "MaxLineLength")]
    [InlineData(200, 200, "MaxLineLength")]
    [InlineData(4096, 4096, "MaxLineLength")]
    [InlineData(1, 0, "MaxLineLength")]
    public void Contradictory_limits_are_refused(int maxDigits, int maxLineLength, string parameter)
    {
        var limits = new ProtocolLimits { MaxDigits = maxDigits, MaxLineLength = maxLineLength };

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(limits.Validate);
        Assert.Equal(parameter, error.ParamName);
    }

    [Theory]
    [InlineData(100, 128, 201)]
    [InlineData(10, 128, 128)]
    [InlineData(1_000_000, 1_000_001, 2_000_001)]
    public void A_reply_line_has_room_for_the_square_of_the_longest_request(int maxDigits, int maxLineLength, int expected)
    {
        Assert.Equal(expected, new ProtocolLimits { MaxDigits = maxDigits, MaxLineLength = maxLineLength }.MaxReplyLineLength);
    }
}
