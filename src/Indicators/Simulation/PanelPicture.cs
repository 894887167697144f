using System.Text;
using IotSquares.Indicators.Graphics;
using IotSquares.Indicators.Leds;

namespace IotSquares.Indicators.Simulation;

/// <summary>
/// What one Pi's indicators look like, as terminal lines: the configured display in a frame (an OLED's
/// pixels in braille characters, 2x4 pixels each; an LCD's character cells on its backlight) and the three
/// LEDs with their colour, role and GPIO line. Pure, so tests read exactly what the terminal is sent.
/// </summary>
public static class PanelPicture
{
    private const string Reset = "\u001b[0m";

    // Lit OLED pixels in light blue on black; LCD characters dark on a yellow-green backlight.
    private const string OledInk = "\u001b[38;5;117;40m";
    private const string LcdInk = "\u001b[38;5;16;48;5;148m";

    /// <summary>The panel's lines: the title, the display in its frame, then the LED line.</summary>
    public static IReadOnlyList<string> Lines(PanelContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        // The title above the frame, not in it: a 16x2 LCD is narrower than its name.
        var lines = new List<string>
        {
            $"\u001b[1m{content.Title}{Reset} · {(content.DisplayTitle.Length > 0 ? content.DisplayTitle : "no display")}",
        };
        if (content.Frame is { } frame)
        {
            Box(lines, frame.Width / 2, Braille(frame).Select(row => OledInk + row + Reset));
        }
        else if (content.Text is { } text)
        {
            int columns = content.TextColumns;
            Box(lines, columns, text.Select(row => LcdInk + row.PadRight(columns)[..columns] + Reset));
        }

        if (content.Leds is { } pins)
        {
            lines.Add(LedLine(pins, content.LedsOn));
        }

        return lines;
    }

    /// <summary>The LEDs as one line: a lit LED is a bright dot in its colour, a dark one a dim ring.</summary>
    public static string LedLine(LedPins pins, IReadOnlyList<bool> on)
    {
        ArgumentNullException.ThrowIfNull(pins);
        ArgumentNullException.ThrowIfNull(on);
        var line = new StringBuilder(" LEDs");
        foreach ((IndicatorLed led, string colour, int ansi) in Colours)
        {
            bool lit = on[(int)led];
            string dot = lit ? $"\u001b[1;{ansi}m●{Reset}" : $"\u001b[2;{ansi}m○{Reset}";
            line.Append($"  {dot} {led.ToString().ToLowerInvariant()} ({colour}, GPIO{pins.For(led)})");
        }

        return line.ToString();
    }

    /// <summary>The frame as braille text, one string per 4 pixel rows.</summary>
    public static IReadOnlyList<string> Braille(MonoFrameBuffer frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        // Braille dot bits: column 0 rows 0-3 = 0x01 0x02 0x04 0x40, column 1 = 0x08 0x10 0x20 0x80.
        ReadOnlySpan<int> left = [0x01, 0x02, 0x04, 0x40];
        ReadOnlySpan<int> right = [0x08, 0x10, 0x20, 0x80];
        var rows = new List<string>();
        for (int y = 0; y < frame.Height; y += 4)
        {
            var line = new StringBuilder(frame.Width / 2);
            for (int x = 0; x < frame.Width; x += 2)
            {
                int dots = 0;
                for (int dy = 0; dy < 4 && y + dy < frame.Height; dy++)
                {
                    dots |= frame[x, y + dy] ? left[dy] : 0;
                    dots |= x + 1 < frame.Width && frame[x + 1, y + dy] ? right[dy] : 0;
                }

                line.Append((char)(0x2800 + dots));
            }

            rows.Add(line.ToString());
        }

        return rows;
    }

    /// <summary>How many terminal columns <paramref name="line"/> takes (escape sequences take none).</summary>
    public static int VisibleWidth(string line) => WithoutEscapes(line).Length;

    /// <summary><paramref name="line"/> without its colour escape sequences: the text a person reads.</summary>
    public static string WithoutEscapes(string line) => System.Text.RegularExpressions.Regex.Replace(line, "\u001b\\[[0-9;]*m", "");

    private static readonly (IndicatorLed Led, string Colour, int Ansi)[] Colours =
        [(IndicatorLed.Status, "green", 32), (IndicatorLed.Activity, "yellow", 33), (IndicatorLed.Error, "red", 31)];

    private static void Box(List<string> lines, int width, IEnumerable<string> rows)
    {
        lines.Add($"┌{new string('─', width)}┐");
        lines.AddRange(rows.Select(row => $"│{row}│"));
        lines.Add($"└{new string('─', width)}┘");
    }
}
