namespace IotSquares.Indicators.Graphics;

/// <summary>
/// The display font: 5x8 glyphs in 6x8 cells (a blank column between characters), so a 128-pixel wide
/// OLED holds 21 characters per 8-pixel row. ASCII comes from the 5x8 font that ships in
/// Iot.Device.Bindings; the two characters the layout needs beyond ASCII (… and ²) are our own.
/// </summary>
public sealed class BitmapFont
{
    /// <summary>Pixels per character across, including the gap.</summary>
    public const int CellWidth = 6;

    /// <summary>Pixels per character down.</summary>
    public const int CellHeight = 8;

    /// <summary>Pixels of ink across.</summary>
    public const int GlyphWidth = 5;

    private readonly Dictionary<char, byte[]> _columns = [];

    private BitmapFont()
    {
    }

    /// <summary>The one font, built once.</summary>
    public static BitmapFont Default { get; } = Build();

    /// <summary>Every character the font can draw.</summary>
    public IEnumerable<char> Characters => _columns.Keys;

    /// <summary>
    /// The 5 columns of <paramref name="c"/>, bit 0 the top row, as an SSD1306 page stores them;
    /// characters the font lacks are drawn as '?'.
    /// </summary>
    public ReadOnlySpan<byte> Columns(char c) =>
        _columns.TryGetValue(c, out byte[]? columns) ? columns : _columns['?'];

    /// <summary>Whether <paramref name="c"/> has a glyph of its own.</summary>
    public bool Has(char c) => _columns.ContainsKey(c);

    private static BitmapFont Build()
    {
        var font = new BitmapFont();
        var source = new Iot.Device.Graphics.Font5x8();
        Func<int, int> bitOfColumn = ColumnBits(source);
        for (char c = ' '; c <= '~'; c++)
        {
            font._columns[c] = FromRows(Rows(source, c), bitOfColumn);
        }

        // Our own: an ellipsis of three dots on the baseline, and a small raised 2.
        font._columns['…'] = [0b0100_0000, 0, 0b0100_0000, 0, 0b0100_0000];
        font._columns['²'] = [0b0000_1001, 0b0000_1101, 0b0000_1011, 0b0000_0000, 0b0000_0000];
        return font;
    }

    private static ushort[] Rows(Iot.Device.Graphics.Font5x8 source, char c)
    {
        source.GetCharData(c, out ReadOnlySpan<ushort> rows);
        return rows.ToArray();
    }

    // The binding keeps each glyph as rows of bits; which bit is the leftmost pixel is not documented,
    // so find out from two glyphs with known columns: '|' (column 2) and '[' (columns 1 to 3, full in 1).
    private static Func<int, int> ColumnBits(Iot.Device.Graphics.Font5x8 source)
    {
        int center = FullHeightBit(Rows(source, '|'));
        int left = FullHeightBit(Rows(source, '['));
        return left == center + 1 ? x => center + 2 - x : x => center - 2 + x;
    }

    private static int FullHeightBit(ushort[] rows)
    {
        int common = 0xFFFF;
        foreach (ushort row in rows.AsSpan(1, 5))
        {
            common &= row;
        }

        return common == 0 ? 2 : System.Numerics.BitOperations.TrailingZeroCount(common);
    }

    private static byte[] FromRows(ushort[] rows, Func<int, int> bitOfColumn)
    {
        var columns = new byte[GlyphWidth];
        for (int y = 0; y < Math.Min(rows.Length, CellHeight); y++)
        {
            for (int x = 0; x < GlyphWidth; x++)
            {
                if ((rows[y] & (1 << bitOfColumn(x))) != 0)
                {
                    columns[x] |= (byte)(1 << y);
                }
            }
        }

        return columns;
    }
}
