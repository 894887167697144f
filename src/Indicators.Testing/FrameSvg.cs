using System.Globalization;
using System.Text;
using IotSquares.Indicators.Graphics;

namespace IotSquares.Indicators.Testing;

/// <summary>Pictures of what the displays show, as SVG: for docs/wiring.md and the virtual Pi lab's report.</summary>
public static class FrameSvg
{
    /// <summary>An OLED frame: lit pixels as light-blue squares on black, <paramref name="scale"/> screen pixels each.</summary>
    public static string Oled(MonoFrameBuffer frame, int scale = 3)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int pad = 4 * scale;
        var svg = Header((frame.Width * scale) + (2 * pad), (frame.Height * scale) + (2 * pad), "#05070a");
        for (int y = 0; y < frame.Height; y++)
        {
            for (int x = 0; x < frame.Width; x++)
            {
                if (frame[x, y])
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{pad + (x * scale)}\" y=\"{pad + (y * scale)}\" width=\"{scale}\" height=\"{scale}\"/>");
                }
            }
        }

        return svg.Append("</g></svg>\n").ToString();
    }

    /// <summary>An HD44780's rows as dark characters on the usual yellow-green backlight.</summary>
    public static string Lcd(IReadOnlyList<string> rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(rows);
        const int cellWidth = 14;
        const int cellHeight = 24;
        var svg = new StringBuilder();
        int width = (columns * cellWidth) + 24;
        int height = (rows.Count * cellHeight) + 20;
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" rx=\"6\" fill=\"#9fbf3b\"/>");
        for (int r = 0; r < rows.Count; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                int x = 12 + (c * cellWidth);
                int y = 10 + (r * cellHeight);
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{cellWidth - 2}\" height=\"{cellHeight - 4}\" fill=\"#93b235\"/>");
                char ch = c < rows[r].Length ? rows[r][c] : ' ';
                if (ch != ' ')
                {
                    string text = ch switch { '<' => "&lt;", '>' => "&gt;", '&' => "&amp;", _ => ch.ToString() };
                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 1}\" y=\"{y + 16}\" font-family=\"monospace\" font-size=\"18\" fill=\"#1d2a0a\">{text}</text>");
                }
            }
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static StringBuilder Header(int width, int height, string background)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" shape-rendering=\"crispEdges\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" rx=\"6\" fill=\"{background}\"/><g fill=\"#8fd7ff\">");
        return svg;
    }
}
