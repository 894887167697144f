using System.CommandLine;
using IotSquares.CommandLine;
using IotSquares.Server.CommandLine;
using IotSquares.Server.Hosting;

namespace IotSquares.Integration.Tests.CommandLine;

/// <summary>
/// <c>--spin</c> in both programs: a bare number is microseconds (as before durations had units), or a
/// duration with its unit; the bad values are rows of <see cref="BadOptionTests"/>.
/// </summary>
public sealed class SpinOptionTests
{
    [Theory]
    [InlineData("50", 50)]
    [InlineData("0", 0)]
    [InlineData("50us", 50)]
    [InlineData("50\u00b5s", 50)]
    [InlineData("0.1ms", 100)]
    [InlineData("100ms", 100_000)]
    [InlineData("1.5us", 1)]
    [InlineData(" 75 ", 75)]
    public void A_bare_number_is_microseconds_and_a_unit_is_honoured(string text, long microseconds)
    {
        Option<TimeSpan> spin = OptionValues.Microseconds("--spin", TimeSpan.FromMilliseconds(100), TimeSpan.FromMicroseconds(50), "spin");
        var root = new RootCommand { spin };

        ParseResult parse = root.Parse(["--spin", text]);

        Assert.Empty(parse.Errors);
        Assert.Equal(TimeSpan.FromMicroseconds(microseconds), parse.GetValue(spin));
    }

    [Fact]
    public async Task The_server_takes_the_spin_with_a_unit_and_checks_its_range_in_microseconds()
    {
        // 100ms is the most it takes (only the port's reason is printed); 2s is 2,000,000 microseconds, too many.
        var atMost = new StringWriter();
        var tooLong = new StringWriter();

        int accepted = await ServerCommand.InvokeAsync(["--spin", "100ms", "--port", "70000"], TextWriter.Null, atMost);
        int refused = await ServerCommand.InvokeAsync(["--spin", "2s"], TextWriter.Null, tooLong);

        Assert.Equal(ServerExitCodes.Configuration, accepted);
        Assert.Equal("PiSquareServer: invalid configuration: --port must be 0-65535, not 70000.\n", atMost.ToString().ReplaceLineEndings("\n"));
        Assert.Equal(ServerExitCodes.Configuration, refused);
        Assert.Equal(
            "PiSquareServer: invalid configuration: --spin must be 0-100000 microseconds (at most 100 ms), not 2000000.\n",
            tooLong.ToString().ReplaceLineEndings("\n"));
    }
}
