using System.Globalization;

namespace IotSquares.Indicators.Layout;

/// <summary>
/// Fits a decimal number into a line: kept whole when it fits, otherwise its first and last digits with
/// the digit count (<c>1234…5678 (40 digits)</c>), never wrapped or cut mid-way into something misleading.
/// </summary>
public static class NumberShortener
{
    /// <summary>Returns <paramref name="digits"/> if it fits <paramref name="width"/>, else a legible short form.</summary>
    /// <param name="digits">A decimal integer, optionally with a leading minus.</param>
    /// <param name="width">Characters available.</param>
    /// <param name="ellipsis">What the display can show for "left out" (<c>…</c>, or <c>..</c> on an HD44780).</param>
    public static string Shorten(string digits, int width, string ellipsis = "…")
    {
        ArgumentNullException.ThrowIfNull(digits);
        ArgumentNullException.ThrowIfNull(ellipsis);
        if (digits.Length <= width)
        {
            return digits;
        }

        bool negative = digits.StartsWith('-');
        string sign = negative ? "-" : "";
        string body = negative ? digits[1..] : digits;
        string count = body.Length.ToString(CultureInfo.InvariantCulture);
        // Most digits first, each with the digit count spelled out, then abbreviated, then without it.
        for (int keep = 4; keep >= 1; keep--)
        {
            foreach (string suffix in new[] { $" ({count} digits)", $" ({count}d)" })
            {
                string candidate = sign + body[..keep] + ellipsis + body[^keep..] + suffix;
                if (candidate.Length <= width)
                {
                    return candidate;
                }
            }
        }

        for (int keep = 4; keep >= 1; keep--)
        {
            string candidate = sign + body[..keep] + ellipsis + body[^keep..];
            if (candidate.Length <= width)
            {
                return candidate;
            }
        }

        // A line too narrow even for "1…9": show what fits of the start, marked as cut.
        return width <= ellipsis.Length ? ellipsis[..Math.Max(0, width)] : digits[..(width - ellipsis.Length)] + ellipsis;
    }
}
