using IotSquares.Indicators.Rendering;
using IotSquares.Indicators.Ssd1306;
using IotSquares.Indicators.Testing;
using IotSquares.Indicators.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace IotSquares.Indicators.Tests;

public sealed class ResilientDisplayTests
{
    [Fact]
    public void Errno_121_mid_run_is_one_warning_naming_i2cdetect_then_retried_with_backoff_until_it_answers()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var chip = new Ssd1306Decoder();
        var device = new RecordingI2cDevice(m => chip.Message(m));
        using var oled = new Ssd1306Display(device, 128, 64);
        var logger = new ListLogger();
        var display = new ResilientDisplay(oled, e => HardwareHints.ForI2c(e, 1, 0x3C), time, logger);
        Assert.True(display.TryShow(["one"]));
        int attempts = 0;
        device.Fault = () =>
        {
            attempts++;
            return RecordingI2cDevice.NoAnswer();
        };

        // 40 simulated seconds of frames 10 times a second while nothing answers.
        for (int i = 0; i < 400; i++)
        {
            display.TryShow(["two"]);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        string warning = Assert.Single(logger.Warnings);
        Assert.Contains("errno 121", warning);
        Assert.Contains("i2cdetect -y 1", warning);
        // 1 + 2 + 4 + 8 + 16 seconds of waits, then every 30 s: 7 attempts in 40 s, not 400.
        Assert.InRange(attempts, 6, 8);

        device.Fault = null;
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(display.TryShow(["three"]));
        Assert.Equal("three", FrameTextReader.Lines(chip.VisibleFrame())[0]);
        Assert.Single(logger.Warnings);
        Assert.Contains(logger.Lines, l => l.Text.Contains("answers again", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(typeof(FileNotFoundException), "raspi-config nonint do_i2c 0")]
    [InlineData(typeof(UnauthorizedAccessException), "i2c group")]
    public void Missing_or_forbidden_buses_name_their_fix(Type error, string fix)
    {
        var exception = (Exception)Activator.CreateInstance(error, "test")!;
        Assert.Contains(fix, HardwareHints.ForI2c(exception, 1, 0x27));
    }

    [Fact]
    public void A_forbidden_gpio_chip_names_the_gpio_group() =>
        Assert.Contains("gpio group", HardwareHints.ForGpio(new UnauthorizedAccessException("x"), "/dev/gpiochip0"));
}
