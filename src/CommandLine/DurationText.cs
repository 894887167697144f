using System.Globalization;

namespace IotSquares.CommandLine;

/// <summary>
/// The one duration syntax of both programs, on the command line and in settings: a number with a
/// unit (<c>50us</c> or <c>50µs</c>, <c>500ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>, <c>1d</c>), several of them (<c>1m30s</c>,
/// <c>1h 30min</c>), a bare number meaning seconds (systemd's convention: <c>0.2</c>), or
/// <c>[d.]hh:mm:ss[.fff]</c>. Also the human form used in output.
/// </summary>
public static class DurationText
{
    /// <summary>Examples of the accepted form, for messages and help.</summary>
    public const string Examples = "such as 500ms, 5s, 2m, 1h or 00:00:05 (a bare number is seconds)";

    // Longest first where one unit is a prefix of another ("ms" before "m", "min" before "m").
    private static readonly (string Unit, double Seconds)[] Units =
    [
        ("us", 1e-6), ("\u00b5s", 1e-6), ("\u03bcs", 1e-6), ("ms", 1e-3), ("min", 60), ("sec", 1), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400),
    ];

    // Beyond this, TimeSpan arithmetic overflows; no timeout of ours comes near it.
    private static readonly double MaxSeconds = TimeSpan.FromDays(3650).TotalSeconds;

    /// <summary>Parses <paramref name="text"/>; false when it is not a duration in the syntax above, or is negative or huge.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        string trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length == 0 || trimmed[0] is '-' or '+')
        {
            return false;
        }

        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            // Only with a colon: TimeSpan.Parse reads a bare "5" as five days.
            return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
        }

        if (TryParseNumber(trimmed, out double bare))
        {
            return TryMake(bare, out value);
        }

        return TryParseWithUnits(trimmed, out value);
    }

    /// <summary>The human form: <c>350 ms</c>, <c>1.2 s</c>, <c>36 s</c>, <c>10 min 36 s</c>, <c>2 h 5 min</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            return "-" + Format(duration.Negate());
        }

        // Two or three significant digits are all a person reads: 0.25 ms, 350 ms, 1.2 s, 36 s.
        var invariant = CultureInfo.InvariantCulture;
        if (duration < TimeSpan.FromMilliseconds(1))
        {
            return string.Create(invariant, $"{duration.TotalMilliseconds:0.##} ms");
        }

        if (duration < TimeSpan.FromMilliseconds(999.5))
        {
            return string.Create(invariant, $"{duration.TotalMilliseconds:0} ms");
        }

        if (duration < TimeSpan.FromSeconds(9.95))
        {
            return string.Create(invariant, $"{duration.TotalSeconds:0.#} s");
        }

        if (duration < TimeSpan.FromSeconds(59.5))
        {
            return string.Create(invariant, $"{duration.TotalSeconds:0} s");
        }

        TimeSpan whole = TimeSpan.FromSeconds(Math.Round(duration.TotalSeconds));
        if (whole < TimeSpan.FromHours(1))
        {
            return Pair((int)whole.TotalMinutes, "min", whole.Seconds, "s");
        }

        return whole < TimeSpan.FromDays(1)
            ? Pair((int)whole.TotalHours, "h", whole.Minutes, "min")
            : Pair((int)whole.TotalDays, "d", whole.Hours, "h");
    }

    private static string Pair(int major, string majorUnit, int minor, string minorUnit) =>
        minor == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit}")
            : string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit} {minor} {minorUnit}");

    // "1h30m", "1h 30min", "2.5s": one or more <number><unit>, spaces allowed between them.
    private static bool TryParseWithUnits(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        double total = 0;
        int position = 0;
        while (position < text.Length)
        {
            int start = position;
            while (position < text.Length && (char.IsAsciiDigit(text[position]) || text[position] == '.'))
            {
                position++;
            }

            if (!TryParseNumber(text[start..position], out double amount))
            {
                return false;
            }

            while (position < text.Length && text[position] == ' ')
            {
                position++;
            }

            int unitStart = position;
            // Letters, and the micro sign (µs, in either of its two code points).
            while (position < text.Length && (char.IsAsciiLetterLower(text[position]) || text[position] is '\u00b5' or '\u03bc'))
            {
                position++;
            }

            string unit = text[unitStart..position];
            int match = Array.FindIndex(Units, u => u.Unit == unit);
            if (match < 0)
            {
                return false;
            }

            total += amount * Units[match].Seconds;
            while (position < text.Length && text[position] == ' ')
            {
                position++;
            }
        }

        return TryMake(total, out value);
    }

    // Digits with at most one decimal point; no sign, no exponent, no thousands separators.
    private static bool TryParseNumber(string text, out double value)
    {
        value = 0;
        return text.Length > 0 && text.Count(c => c == '.') <= 1 && text.Any(char.IsAsciiDigit) &&
            text.All(c => char.IsAsciiDigit(c) || c == '.') &&
            double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryMake(double seconds, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (double.IsNaN(seconds) || seconds < 0 || seconds > MaxSeconds)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }
}
