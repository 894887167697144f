using IotSquares.Indicators.Configuration;
using IotSquares.Indicators.Gpio;
using IotSquares.Indicators.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace IotSquares.Indicators.Tests;

public sealed class HardwareSettingsTests
{
    [Fact]
    public void Defaults_are_an_oled_at_0x3c_and_leds_on_17_27_22()
    {
        (HardwareOptions options, IReadOnlyList<string> failures) = Read();

        Assert.Empty(failures);
        Assert.Equal(HardwareBackend.Auto, options.Backend);
        Assert.Equal(DisplayKind.Ssd1306, options.Display);
        Assert.Equal(0x3C, options.EffectiveAddress);
        Assert.Equal((128, 64), options.DisplaySize);
        Assert.Equal((17, 27, 22), (options.Leds.Status, options.Leds.Activity, options.Leds.Error));
    }

    [Fact]
    public void An_lcd_defaults_to_0x27_and_16x2_and_takes_hex_or_decimal_addresses()
    {
        (HardwareOptions lcd, _) = Read(("Display:Kind", "HD44780"));
        (HardwareOptions at3f, _) = Read(("Display:Kind", "hd44780"), ("Display:Address", "63"), ("Display:Size", "20x4"));

        Assert.Equal((0x27, (16, 2)), (lcd.EffectiveAddress, lcd.DisplaySize));
        Assert.Equal((0x3F, (20, 4)), (at3f.EffectiveAddress, at3f.DisplaySize));
    }

    [Theory]
    [InlineData("src/PiSquareServer/appsettings.json")]
    [InlineData("deploy/systemd/appsettings.json")]
    public void The_shipped_settings_let_either_display_kind_be_chosen_alone(string file)
    {
        // A kind-dependent value (address, size) pinned in a shipped file would make `--display hd44780` invalid.
        foreach ((string kind, int address, (int, int) size) in new[] { ("ssd1306", 0x3C, (128, 64)), ("hd44780", 0x27, (16, 2)) })
        {
            IConfiguration configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(Repository.Root, file), optional: false)
                .AddInMemoryCollection([KeyValuePair.Create("Hardware:Display:Kind", (string?)kind)])
                .Build();

            (HardwareOptions options, IReadOnlyList<string> failures) = HardwareSettingsReader.Read(configuration);

            Assert.Empty(failures);
            Assert.Equal((address, size), (options.EffectiveAddress, options.DisplaySize));
        }
    }

    [Fact]
    public void Every_bad_value_is_reported_at_once_with_its_key()
    {
        (_, IReadOnlyList<string> failures) = Read(
            ("Backend", "lasers"), ("Display:Kind", "ssd1306"), ("Display:Address", "0x99"), ("Display:Size", "16x2"),
            ("Display:RefreshRate", "0"), ("Leds:Status", "x"), ("Leds:ActiveLow", "maybe"), ("Gpio:Driver", "sysfs"));

        Assert.Equal(7, failures.Count);
        Assert.Contains("Hardware:Backend must be one of auto, real, simulated, none, not 'lasers'.", failures);
        Assert.Contains(failures, f => f.StartsWith("Hardware:Display:Address must be a 7-bit I2C address such as 0x3C", StringComparison.Ordinal));
        Assert.Contains("Hardware:Display:Size for ssd1306 must be 128x64 or 128x32, not '16x2'.", failures);
        Assert.Contains(failures, f => f.StartsWith("Hardware:Display:RefreshRate", StringComparison.Ordinal));
        Assert.Contains("Hardware:Leds:Status must be a number 0-63, not 'x'.", failures);
        Assert.Contains("Hardware:Leds:ActiveLow must be true or false, not 'maybe'.", failures);
        Assert.Contains(failures, f => f.StartsWith("Hardware:Gpio:Driver", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_leds_on_one_line_are_refused()
    {
        (_, IReadOnlyList<string> failures) = Read(("Leds:Activity", "17"));

        Assert.Contains(failures, f => f.Contains("three different lines", StringComparison.Ordinal));
    }

    [Fact]
    public void Auto_is_real_on_a_pi_and_with_a_configured_chip_and_never_real_on_a_pc()
    {
        using FakeBoard pi = FakeBoard.Pi4(3);
        using FakeBoard pc = new(model: null);

        Assert.Equal(HardwareBackend.Real, IndicatorsSetup.Resolve(new HardwareOptions(), new BoardProbe(pi.Root)));
        Assert.Equal(HardwareBackend.Real, IndicatorsSetup.Resolve(new HardwareOptions { GpioChip = "gpio-sim.0-node0" }, new BoardProbe(pc.Root)));
        Assert.NotEqual(HardwareBackend.Real, IndicatorsSetup.Resolve(new HardwareOptions(), new BoardProbe(pc.Root)));
        Assert.Equal(HardwareBackend.Simulated, IndicatorsSetup.Resolve(new HardwareOptions { RecordTo = "/tmp/x" }, new BoardProbe(pc.Root)));
    }

    [Fact]
    public async Task A_real_backend_without_i2c_or_gpio_warns_once_each_with_the_fix_and_goes_on()
    {
        using FakeBoard pc = new(model: null);
        var logger = new ListLogger();

        var running = IndicatorsSetup.Start(State.IndicatorRole.Server, "*:50007", new HardwareOptions { Backend = HardwareBackend.Real }, TimeProvider.System, logger, new BoardProbe(pc.Root));
        await running.DisposeAsync();

        Assert.Equal(2, logger.Warnings.Count());
        Assert.Contains(logger.Warnings, w => w.Contains("raspi-config nonint do_i2c 0", StringComparison.Ordinal));
        Assert.Contains(logger.Warnings, w => w.Contains("no GPIO chip", StringComparison.Ordinal));
    }

    private static (HardwareOptions, IReadOnlyList<string>) Read(params (string Key, string Value)[] settings)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>("Hardware:" + s.Key, s.Value)))
            .Build();
        return HardwareSettingsReader.Read(configuration);
    }
}
