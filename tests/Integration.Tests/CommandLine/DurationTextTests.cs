using IotSquares.CommandLine;

namespace IotSquares.Integration.Tests.CommandLine;

/// <summary>The one duration syntax of both programs, and the human form of their output.</summary>
public sealed class DurationTextTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5_000)]
    [InlineData("2m", 120_000)]
    [InlineData("2min", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h 30min", 5_400_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("250us", 0.25)]
    [InlineData("250\u00b5s", 0.25)]
    [InlineData("250\u03bcs", 0.25)]
    [InlineData("5", 5_000)]
    [InlineData("0.2", 200)]
    [InlineData(" 5 ", 5_000)]
    [InlineData("00:00:10", 10_000)]
    [InlineData("00:05:00", 300_000)]
    [InlineData("1.00:00:00", 86_400_000)]
    [InlineData("00:00:00.5", 500)]
    [InlineData("0", 0)]
    public void Accepted_forms_parse_to_their_duration(string text, double milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out TimeSpan value), text);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(null)]
    [InlineData("abc")]
    [InlineData("5x")]
    [InlineData("5 days")]
    [InlineData("-5s")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData("1e3")]
    [InlineData("1..5s")]
    [InlineData("s")]
    [InlineData("5S")]
    [InlineData("1h-2m")]
    [InlineData("-00:00:01")]
    [InlineData("99999d")]
    [InlineData("1,000s")]
    public void Anything_else_is_refused(string? text)
    {
        Assert.False(DurationText.TryParse(text, out _), text);
    }

    [Theory]
    [InlineData(0.25, "0.25 ms")]
    [InlineData(350, "350 ms")]
    [InlineData(1_200, "1.2 s")]
    [InlineData(5_000, "5 s")]
    [InlineData(36_400, "36 s")]
    [InlineData(95_650, "1 min 36 s")]
    [InlineData(95.65, "96 ms")]
    [InlineData(1_550, "1.6 s")]
    [InlineData(999.7, "1 s")]
    [InlineData(59_700, "1 min")]
    [InlineData(636_000, "10 min 36 s")]
    [InlineData(120_000, "2 min")]
    [InlineData(7_500_000, "2 h 5 min")]
    [InlineData(86_400_000, "1 d")]
    public void Durations_are_printed_in_human_units(double milliseconds, string expected)
    {
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(999, "999")]
    [InlineData(100_000, "100,000")]
    [InlineData(1_234_567, "1,234,567")]
    public void Counts_are_grouped_with_commas(long count, string expected)
    {
        Assert.Equal(expected, CountText.Format(count));
    }
}
