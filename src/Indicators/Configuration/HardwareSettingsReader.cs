using System.Globalization;
using IotSquares.Indicators.Gpio;
using IotSquares.Indicators.Leds;
using Microsoft.Extensions.Configuration;

namespace IotSquares.Indicators.Configuration;

/// <summary>
/// Reads the <c>Hardware</c> section by hand rather than through the binder, so that every bad value is
/// reported at once with its key and what would be right (the programs then exit 78).
/// </summary>
public static class HardwareSettingsReader
{
    /// <summary>The options, and every reason they are invalid (empty when valid).</summary>
    public static (HardwareOptions Options, IReadOnlyList<string> Failures) Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection s = configuration.GetSection(HardwareOptions.SectionName);
        var failures = new List<string>();
        var defaults = new HardwareOptions();
        DisplayKind kind = EnumValue(s, "Display:Kind", defaults.Display, failures);
        var options = new HardwareOptions
        {
            Backend = EnumValue(s, "Backend", defaults.Backend, failures),
            LedsEnabled = Bool(s, "Leds:Enabled", true, failures),
            Leds = new LedPins(
                Int(s, "Leds:Status", defaults.Leds.Status, 0, 63, failures),
                Int(s, "Leds:Activity", defaults.Leds.Activity, 0, 63, failures),
                Int(s, "Leds:Error", defaults.Leds.Error, 0, 63, failures),
                Bool(s, "Leds:ActiveLow", false, failures)),
            GpioChip = s["Gpio:Chip"]?.Trim() ?? "",
            GpioDriver = EnumValue(s, "Gpio:Driver", defaults.GpioDriver, failures),
            Display = kind,
            DisplayBus = Int(s, "Display:Bus", 1, 0, 255, failures),
            DisplayAddress = Address(s, kind, failures),
            DisplaySize = Size(s, kind, failures),
            RefreshRate = Rate(s, failures),
            RecordTo = s["RecordTo"]?.Trim() ?? "",
            SimulatedBusHz = Int(s, "Display:SimulatedBusHz", 0, 0, 3_400_000, failures),
        };
        var pins = new[] { options.Leds.Status, options.Leds.Activity, options.Leds.Error };
        if (pins.Distinct().Count() != pins.Length)
        {
            failures.Add($"Hardware:Leds: the three LEDs need three different lines, not {string.Join(", ", pins)}.");
        }

        return (options, failures);
    }

    private static T EnumValue<T>(IConfigurationSection s, string key, T fallback, List<string> failures)
        where T : struct, Enum
    {
        string? text = s[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (Enum.TryParse(text.Trim(), ignoreCase: true, out T value) && Enum.IsDefined(value) && !int.TryParse(text, out _))
        {
            return value;
        }

        failures.Add($"Hardware:{key} must be one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}, not '{text}'.");
        return fallback;
    }

    private static int Int(IConfigurationSection s, string key, int fallback, int min, int max, List<string> failures)
    {
        string? text = s[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
        {
            return value;
        }

        failures.Add($"Hardware:{key} must be a number {min}-{max}, not '{text}'.");
        return fallback;
    }

    private static bool Bool(IConfigurationSection s, string key, bool fallback, List<string> failures)
    {
        string? text = s[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (bool.TryParse(text.Trim(), out bool value))
        {
            return value;
        }

        failures.Add($"Hardware:{key} must be true or false, not '{text}'.");
        return fallback;
    }

    private static int Address(IConfigurationSection s, DisplayKind kind, List<string> failures)
    {
        string? text = s["Display:Address"]?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        bool parsed = hex
            ? int.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int address)
            : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out address);
        int[] usual = kind == DisplayKind.Hd44780 ? [0x27, 0x3F] : [0x3C, 0x3D];
        if (!parsed || address is < 0x03 or > 0x77)
        {
            failures.Add($"Hardware:Display:Address must be a 7-bit I2C address such as 0x{usual[0]:X2} or 0x{usual[1]:X2}, not '{text}'.");
            return 0;
        }

        return address;
    }

    private static (int, int) Size(IConfigurationSection s, DisplayKind kind, List<string> failures)
    {
        (int, int) fallback = kind == DisplayKind.Hd44780 ? (16, 2) : (128, 64);
        string? text = s["Display:Size"]?.Trim();
        if (string.IsNullOrEmpty(text) || kind == DisplayKind.None)
        {
            return fallback;
        }

        string[] parts = text.ToLowerInvariant().Split('x');
        (int, int)[] allowed = kind == DisplayKind.Hd44780 ? [(16, 2), (20, 4)] : [(128, 64), (128, 32)];
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h) && allowed.Contains((w, h)))
        {
            return (w, h);
        }

        failures.Add($"Hardware:Display:Size for {kind.ToString().ToLowerInvariant()} must be {string.Join(" or ", allowed.Select(a => $"{a.Item1}x{a.Item2}"))}, not '{text}'.");
        return fallback;
    }

    private static double Rate(IConfigurationSection s, List<string> failures)
    {
        string? text = s["Display:RefreshRate"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return 10;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) && rate is >= 0.1 and <= 60)
        {
            return rate;
        }

        failures.Add($"Hardware:Display:RefreshRate must be 0.1-60 frames a second, not '{text}'.");
        return 10;
    }
}
