using IotSquares.Indicators.Layout;

namespace IotSquares.Indicators.Tests;

public sealed class NumberShortenerTests
{
    private const string FortyDigits = "1234000000000000000000000000000000005678";

    [Fact]
    public void A_number_that_fits_is_kept_whole() =>
        Assert.Equal("9801", NumberShortener.Shorten("9801", 21));

    [Fact]
    public void A_long_number_keeps_its_ends_and_says_how_many_digits()
    {
        Assert.Equal(40, FortyDigits.Length);
        Assert.Equal("1234…5678 (40 digits)", NumberShortener.Shorten(FortyDigits, 21));
    }

    [Theory]
    [InlineData(16, "1234…5678 (40d)")]
    [InlineData(14, "123…678 (40d)")]
    [InlineData(9, "1…8 (40d)")]
    [InlineData(7, "123…678")]
    public void Narrower_lines_give_up_detail_but_stay_legible(int width, string expected)
    {
        string shortened = NumberShortener.Shorten(FortyDigits, width);
        Assert.Equal(expected, shortened);
        Assert.True(shortened.Length <= width);
    }

    [Fact]
    public void The_sign_is_kept_and_not_counted_as_a_digit() =>
        Assert.Equal("-1234…5678 (40 digits)", NumberShortener.Shorten("-" + FortyDigits, 22));

    [Fact]
    public void An_lcd_uses_its_own_ellipsis() =>
        Assert.Equal("1234..5678 (40d)", NumberShortener.Shorten(FortyDigits, 16, ".."));
}
