using System.Globalization;
using IotSquares.Indicators.Simulation;

namespace IotSquares.Indicators.Testing;

/// <summary>An LED change read from a recording: when, which LED, on or off.</summary>
/// <param name="At">Unix time in milliseconds.</param>
/// <param name="Led">status, activity or error.</param>
/// <param name="On">Lit.</param>
public readonly record struct LedChange(long At, string Led, bool On);

/// <summary>Reads what the simulated backend recorded (<c>--hardware-record DIR</c>): display bus messages and LED changes.</summary>
public static class Recordings
{
    /// <summary>Feeds every captured message of <c>display.i2c</c> to a fresh SSD1306 decoder.</summary>
    public static Ssd1306Decoder DecodeDisplay(string directory)
    {
        var chip = new Ssd1306Decoder();
        using FileStream capture = File.OpenRead(Path.Combine(directory, "display.i2c"));
        foreach (byte[] message in CapturingI2cDevice.ReadCapture(capture))
        {
            chip.Message(message);
        }

        return chip;
    }

    /// <summary>Feeds every byte captured in <c>display.i2c</c> (an HD44780 LCD's PCF8574 backpack) to a fresh LCD decoder.</summary>
    public static Hd44780Decoder DecodeLcd(string directory, int columns, int rows)
    {
        var lcd = new Hd44780Decoder(columns, rows);
        using FileStream capture = File.OpenRead(Path.Combine(directory, "display.i2c"));
        foreach (byte[] message in CapturingI2cDevice.ReadCapture(capture))
        {
            lcd.Feed(message);
        }

        return lcd;
    }

    /// <summary>The LED changes of <c>leds.log</c>, in order.</summary>
    public static IReadOnlyList<LedChange> ReadLeds(string directory) =>
        File.ReadAllLines(Path.Combine(directory, "leds.log"))
            .Where(line => line.Length > 0)
            .Select(line => line.Split(' '))
            .Select(p => new LedChange(long.Parse(p[0], CultureInfo.InvariantCulture), p[1], p[2] == "on"))
            .ToArray();
}
