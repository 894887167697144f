using System.CommandLine;
using System.Globalization;
using IotSquares.CommandLine;

namespace IotSquares.Indicators.Configuration;

/// <summary>
/// The hardware options both programs accept, mapped onto <c>Hardware:*</c> configuration keys so that
/// the command line overrides appsettings.json and <c>PISQUARE_Hardware__*</c> like every other setting.
/// Each value's form is checked as it is parsed (<see cref="OptionValues"/>): a value not of the form is a
/// usage error of the program; a value of the right form that the Hardware settings cannot take (an
/// address above 0x77, a size the chosen display does not have, two LEDs on one line) is left to
/// <see cref="HardwareSettingsReader"/>, which reports it with the other invalid settings (exit 78),
/// because whether it fits depends on settings that may come from any source.
/// </summary>
public sealed class HardwareCommandLine
{
    private readonly Option<string> _backend = OptionValues.OneOf(
        "--hardware", [], ["auto", "real", "simulated", "none"], "auto", "LEDs and display: auto (real on a Pi, terminal on a PC), real, simulated or none");

    private readonly Option<string> _display = OptionValues.OneOf(
        "--display", [], ["ssd1306", "hd44780", "none"], "ssd1306", "Display kind: ssd1306 (default), hd44780 or none");

    private readonly Option<string> _address = Formed(
        "--display-address", "an I2C address in hex or decimal, such as 0x3C or 60", IsAddress, "Display I2C address (default 0x3C for ssd1306, 0x27 for hd44780)");

    private readonly Option<string> _size = Formed(
        "--display-size", "a size WIDTHxHEIGHT: 128x64 or 128x32 (ssd1306), 16x2 or 20x4 (hd44780)", IsSize, "128x64 or 128x32 (ssd1306); 16x2 or 20x4 (hd44780)");

    private readonly Option<string> _ledPins = Formed(
        "--led-pins", "three GPIO line numbers separated by commas, such as 17,27,22", IsThreeLines, "BCM lines of the status, activity and error LEDs (default 17,27,22)");

    private readonly Option<string> _gpioChip = OptionValues.Text(
        "--gpio-chip", [], "a GPIO chip label, number or path, such as pinctrl-rp1, 0 or /dev/gpiochip0", "", "GPIO chip by label, number or /dev path (default: the Pi's header chip)");

    private readonly Option<string> _record = OptionValues.Text(
        "--hardware-record", [], "a folder", "", "Simulated hardware: write display.i2c and leds.log into this folder");

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
            // Three entries: the parser has checked the form.
            string[] lines = pins.Split(',', StringSplitOptions.TrimEntries);
            string[] names = ["Status", "Activity", "Error"];
            for (int i = 0; i < names.Length; i++)
            {
                yield return ($"{HardwareOptions.SectionName}:Leds:{names[i]}", _ledPins.Name, lines[i]);
            }
        }
    }

    // A text option whose value, trimmed, must pass `isOfForm`; the settings reader checks the rest.
    private static Option<string> Formed(string name, string form, Func<string, bool> isOfForm, string description) =>
        OptionValues.Custom(
            new Option<string>(name) { Description = description },
            form,
            string.Empty,
            text => isOfForm(text.Trim()) ? (true, text.Trim()) : (false, string.Empty));

    private static bool IsAddress(string text) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? int.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _)
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static bool IsSize(string text)
    {
        string[] parts = text.Split('x', 'X');
        return parts.Length == 2 && parts.All(IsWholeNumber);
    }

    private static bool IsThreeLines(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length == 3 && parts.All(IsWholeNumber);
    }

    private static bool IsWholeNumber(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);
}
