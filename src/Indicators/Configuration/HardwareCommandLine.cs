using System.CommandLine;

namespace IotSquares.Indicators.Configuration;

/// <summary>
/// The hardware options both programs accept, mapped onto <c>Hardware:*</c> configuration keys so that
/// the command line overrides appsettings.json and <c>PISQUARE_Hardware__*</c> like every other setting.
/// </summary>
public sealed class HardwareCommandLine
{
    private readonly Option<string> _backend = new("--hardware") { Description = "LEDs and display: auto (real on a Pi, terminal on a PC), real, simulated or none" };
    private readonly Option<string> _display = new("--display") { Description = "Display kind: ssd1306 (default), hd44780 or none" };
    private readonly Option<string> _address = new("--display-address") { Description = "Display I2C address (default 0x3C for ssd1306, 0x27 for hd44780)" };
    private readonly Option<string> _size = new("--display-size") { Description = "128x64 or 128x32 (ssd1306); 16x2 or 20x4 (hd44780)" };
    private readonly Option<string> _ledPins = new("--led-pins") { Description = "BCM lines of the status, activity and error LEDs (default 17,27,22)" };
    private readonly Option<string> _gpioChip = new("--gpio-chip") { Description = "GPIO chip by label, number or /dev path (default: the Pi's header chip)" };
    private readonly Option<string> _record = new("--hardware-record") { Description = "Simulated hardware: write display.i2c and leds.log into this folder" };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (Option option in new Option[] { _backend, _display, _address, _size, _ledPins, _gpioChip, _record })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The configuration keys the given options set (only options given explicitly), with the option and value as typed.</summary>
    public IEnumerable<(string Key, string Option, string Value)> Overrides(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var map = new (Option<string> Option, string Key)[]
        {
            (_backend, "Backend"), (_display, "Display:Kind"), (_address, "Display:Address"),
            (_size, "Display:Size"), (_gpioChip, "Gpio:Chip"), (_record, "RecordTo"),
        };
        foreach ((Option<string> option, string key) in map)
        {
            if (parse.GetResult(option) is { Implicit: false } && parse.GetValue(option) is { } value)
            {
                yield return ($"{HardwareOptions.SectionName}:{key}", option.Name, value);
            }
        }

        if (parse.GetResult(_ledPins) is { Implicit: false } && parse.GetValue(_ledPins) is { } pins)
        {
            string[] lines = pins.Split(',', StringSplitOptions.TrimEntries);
            string[] names = ["Status", "Activity", "Error"];
            for (int i = 0; i < names.Length; i++)
            {
                // A missing entry becomes an invalid value, so the usual validation names it.
                yield return ($"{HardwareOptions.SectionName}:Leds:{names[i]}", _ledPins.Name, i < lines.Length ? lines[i] : "missing");
            }
        }
    }
}
