using IotSquares.Indicators.Graphics;

namespace IotSquares.Indicators.Testing;

/// <summary>
/// Reads text back from pixels: each 6x8 cell of a frame is matched against every glyph of the display
/// font; a cell that matches none reads as '¿'. This is how tests check "the OLED reads READY" without
/// trusting the code that drew it.
/// </summary>
public static class FrameTextReader
{
    /// <summary>The text of every 8-pixel row, trailing blanks trimmed.</summary>
    public static IReadOnlyList<string> Lines(MonoFrameBuffer frame, BitmapFont? font = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        font ??= BitmapFont.Default;
        var lookup = new Dictionary<ulong, char>();
        foreach (char c in font.Characters.OrderBy(c => c))
        {
            lookup.TryAdd(Key(font.Columns(c), 0), c);
        }

        var lines = new List<string>();
        for (int page = 0; page < frame.Pages; page++)
        {
            Span<byte> bytes = frame.Page(page);
            var text = new char[frame.Width / BitmapFont.CellWidth];
            for (int cell = 0; cell < text.Length; cell++)
            {
                ReadOnlySpan<byte> columns = bytes.Slice(cell * BitmapFont.CellWidth, BitmapFont.CellWidth);
                text[cell] = lookup.TryGetValue(Key(columns[..BitmapFont.GlyphWidth], columns[BitmapFont.GlyphWidth]), out char c) ? c : '¿';
            }

            lines.Add(new string(text).TrimEnd());
        }

        return lines;
    }

    private static ulong Key(ReadOnlySpan<byte> glyph, byte gap)
    {
        ulong key = gap;
        foreach (byte column in glyph)
        {
            key = (key << 8) | column;
        }

        return key;
    }
}
