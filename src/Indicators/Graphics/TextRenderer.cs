namespace IotSquares.Indicators.Graphics;

/// <summary>Draws lines of text into a <see cref="MonoFrameBuffer"/>, one 8-pixel page per line.</summary>
public static class TextRenderer
{
    /// <summary>Characters per line for a buffer <paramref name="width"/> pixels wide.</summary>
    public static int Columns(int width) => width / BitmapFont.CellWidth;

    /// <summary>Lines of text for a buffer <paramref name="height"/> pixels high.</summary>
    public static int Rows(int height) => height / BitmapFont.CellHeight;

    /// <summary>Clears <paramref name="frame"/> and draws <paramref name="lines"/> from the top, cut at the edges.</summary>
    public static void Draw(MonoFrameBuffer frame, IReadOnlyList<string> lines, BitmapFont font)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(font);
        frame.Clear();
        int columns = Columns(frame.Width);
        for (int row = 0; row < Math.Min(lines.Count, frame.Pages); row++)
        {
            Span<byte> page = frame.Page(row);
            string line = lines[row];
            for (int i = 0; i < Math.Min(line.Length, columns); i++)
            {
                font.Columns(line[i]).CopyTo(page[(i * BitmapFont.CellWidth)..]);
            }
        }
    }
}
