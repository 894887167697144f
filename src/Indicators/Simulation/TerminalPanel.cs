using System.Text;
using IotSquares.Indicators.Graphics;
using IotSquares.Indicators.Leds;

namespace IotSquares.Indicators.Simulation;

/// <summary>
/// Draws what a person would see on the Pi into the terminal: the OLED's frame buffer in braille
/// characters (2x4 pixels each, so 128x64 is 64x16 characters) framed like the module, and the three LEDs
/// as coloured dots. Painted in the top-right corner with the cursor saved and restored, so the program's
/// own output keeps scrolling underneath.
/// </summary>
public sealed class TerminalPanel
{
    private readonly TextWriter _out;
    private readonly string _title;
    private readonly int _firstRow;
    private readonly Lock _gate = new();
    private readonly bool[] _leds = new bool[3];
    private MonoFrameBuffer? _frame;

    /// <summary>Paints on <paramref name="output"/> under <paramref name="title"/> (the role), from terminal row <paramref name="firstRow"/>.</summary>
    /// <remarks>Server and client in one terminal (the demo) use different rows so their panels do not overlap.</remarks>
    public TerminalPanel(TextWriter output, string title, int firstRow = 1)
    {
        _out = output;
        _title = title;
        _firstRow = firstRow;
    }

    /// <summary>Whether painting makes sense: a real terminal, not under systemd (INVOCATION_ID, JOURNAL_STREAM).</summary>
    public static bool Available() =>
        !Console.IsOutputRedirected
        && Environment.GetEnvironmentVariable("INVOCATION_ID") is null
        && Environment.GetEnvironmentVariable("JOURNAL_STREAM") is null
        && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");

    /// <summary>A new frame was drawn.</summary>
    public void Frame(MonoFrameBuffer frame)
    {
        lock (_gate)
        {
            _frame = frame;
            Paint();
        }
    }

    /// <summary>An LED changed.</summary>
    public void Led(IndicatorLed led, bool on)
    {
        lock (_gate)
        {
            _leds[(int)led] = on;
            Paint();
        }
    }

    /// <summary>The frame as braille text, one string per character row (also used for docs and logs).</summary>
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

    private void Paint()
    {
        IReadOnlyList<string> rows = _frame is null ? [] : Braille(_frame);
        int width = (_frame?.Width ?? 128) / 2;
        int column = Math.Max(1, SafeWindowWidth() - width - 3);
        var text = new StringBuilder("\u001b7");
        int row = _firstRow;
        void Line(string content) => text.Append($"\u001b[{row++};{column}H").Append(content);
        Line($"┌{Pad($" {_title} ", width, '─')}┐");
        foreach (string r in rows)
        {
            // Lit pixels in the OLED's light blue, on black.
            Line($"│\u001b[38;5;117;40m{r}\u001b[0m│");
        }

        Line($"└{Pad($" {Dot(0, 32)} status {Dot(1, 33)} activity {Dot(2, 31)} error ", width, '─')}┘");
        text.Append("\u001b8");
        _out.Write(text.ToString());
        _out.Flush();
    }

    private string Dot(int led, int colour) => _leds[led] ? $"\u001b[1;{colour}m●\u001b[0m" : "○";

    // Pads by visible length: the escape sequences of the dots take no room on screen.
    private static string Pad(string content, int width, char fill)
    {
        int visible = System.Text.RegularExpressions.Regex.Replace(content, "\u001b\\[[0-9;]*m", "").Length;
        return content + new string(fill, Math.Max(0, width - visible));
    }

    private static int SafeWindowWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
