using IotSquares.Indicators.Gpio;
using IotSquares.Indicators.Leds;

namespace IotSquares.Indicators.Configuration;

/// <summary>The <c>Hardware</c> section, parsed and checked (see <see cref="HardwareSettingsReader"/>).</summary>
public sealed record HardwareOptions
{
    /// <summary>The section's name in appsettings.json.</summary>
    public const string SectionName = "Hardware";

    /// <summary>real, simulated, none or auto.</summary>
    public HardwareBackend Backend { get; init; } = HardwareBackend.Auto;

    /// <summary>Whether LEDs are wired.</summary>
    public bool LedsEnabled { get; init; } = true;

    /// <summary>LED lines and polarity.</summary>
    public LedPins Leds { get; init; } = new();

    /// <summary>The GPIO chip by label, number or path; empty to find the Pi's header chip.</summary>
    public string GpioChip { get; init; } = "";

    /// <summary>The GPIO driver.</summary>
    public GpioDriverKind GpioDriver { get; init; } = GpioDriverKind.Auto;

    /// <summary>Which display.</summary>
    public DisplayKind Display { get; init; } = DisplayKind.Ssd1306;

    /// <summary>I2C bus number (<c>/dev/i2c-N</c>); 1 on the Pi header.</summary>
    public int DisplayBus { get; init; } = 1;

    /// <summary>7-bit I2C address; 0 picks the usual one for the kind (0x3C, 0x27).</summary>
    public int DisplayAddress { get; init; }

    /// <summary>Pixels (SSD1306: 128x64, 128x32) or characters (HD44780: 16x2, 20x4).</summary>
    public (int Width, int Height) DisplaySize { get; init; } = (128, 64);

    /// <summary>Most display frames a second.</summary>
    public double RefreshRate { get; init; } = 10;

    /// <summary>
    /// Simulated backend: make each display write take as long as on a real bus of this clock (Hz; 0 = instant),
    /// for the benchmark that shows the display never slows the exchange.
    /// </summary>
    public int SimulatedBusHz { get; init; }

    /// <summary>Simulated backend: a folder for <c>display.i2c</c> (captured bus messages) and <c>leds.log</c>; empty for none.</summary>
    public string RecordTo { get; init; } = "";

    /// <summary>The address to use.</summary>
    public int EffectiveAddress => DisplayAddress != 0 ? DisplayAddress : Display == DisplayKind.Hd44780 ? 0x27 : 0x3C;
}
