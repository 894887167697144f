namespace IotSquares.Indicators.Graphics;

/// <summary>
/// A 1-bit image in the SSD1306's own memory layout: rows grouped into pages of 8, one byte per column
/// per page, bit 0 the top row of the page. What is drawn here is byte for byte what goes over I2C.
/// </summary>
public sealed class MonoFrameBuffer
{
    private readonly byte[] _bytes;

    /// <summary>A blank image of <paramref name="width"/> by <paramref name="height"/> pixels (height a multiple of 8).</summary>
    public MonoFrameBuffer(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (height % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, "The height must be a multiple of 8 (one page).");
        }

        Width = width;
        Height = height;
        _bytes = new byte[width * height / 8];
    }

    /// <summary>Pixels across.</summary>
    public int Width { get; }

    /// <summary>Pixels down.</summary>
    public int Height { get; }

    /// <summary>Pages of 8 rows.</summary>
    public int Pages => Height / 8;

    /// <summary>All pages, page 0 first, <see cref="Width"/> bytes each.</summary>
    public Span<byte> Bytes => _bytes;

    /// <summary>The bytes of one page.</summary>
    public Span<byte> Page(int page) => _bytes.AsSpan(page * Width, Width);

    /// <summary>Whether the pixel at (<paramref name="x"/>, <paramref name="y"/>) is lit.</summary>
    public bool this[int x, int y]
    {
        get => (_bytes[(y / 8 * Width) + x] & (1 << (y % 8))) != 0;
        set
        {
            int index = (y / 8 * Width) + x;
            byte mask = (byte)(1 << (y % 8));
            _bytes[index] = value ? (byte)(_bytes[index] | mask) : (byte)(_bytes[index] & ~mask);
        }
    }

    /// <summary>Turns every pixel off.</summary>
    public void Clear() => Array.Clear(_bytes);

    /// <summary>Copies another buffer of the same size into this one.</summary>
    public void CopyFrom(MonoFrameBuffer other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Width != Width || other.Height != Height)
        {
            throw new ArgumentException("Frame buffers differ in size.", nameof(other));
        }

        other._bytes.CopyTo(_bytes, 0);
    }
}
