namespace IotSquares.Indicators.Testing;

/// <summary>
/// Plays an HD44780 LCD behind a PCF8574 backpack: each byte written to the PCF8574 sets its 8 outputs
/// (P0 RS, P1 RW, P2 E, P3 backlight, P4-P7 data D4-D7); the controller latches the data lines when E
/// falls. Starts in 8-bit mode as after power-on, follows the switch to 4-bit mode, and keeps the display
/// RAM, so tests read the characters a person would see. Any split of the byte stream decodes the same.
/// </summary>
public sealed class Hd44780Decoder
{
    private const int LineLength = 40;
    private readonly char[][] _ram = [new char[LineLength], new char[LineLength]];
    private byte _previous;
    private int? _highNibble;
    private int _address;
    private bool _writingCgram;
    private bool _increment = true;

    /// <summary>An LCD of <paramref name="columns"/> x <paramref name="rows"/> (16x2 or 20x4).</summary>
    public Hd44780Decoder(int columns = 16, int rows = 2)
    {
        Columns = columns;
        Rows = rows;
        Clear();
    }

    /// <summary>Characters per row.</summary>
    public int Columns { get; }

    /// <summary>Rows.</summary>
    public int Rows { get; }

    /// <summary>Whether the controller is in 4-bit mode (set by a function set with DL = 0).</summary>
    public bool FourBitMode { get; private set; }

    /// <summary>Whether the function set chose two display lines (N = 1).</summary>
    public bool TwoLines { get; private set; }

    /// <summary>Display on (display control D = 1).</summary>
    public bool DisplayOn { get; private set; }

    /// <summary>The backlight bit of the last byte written to the PCF8574.</summary>
    public bool BacklightOn { get; private set; }

    /// <summary>Instructions and data bytes the controller latched.</summary>
    public long Latched { get; private set; }

    /// <summary>Decodes bytes written to the PCF8574, in any chunks.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            BacklightOn = (b & 0x08) != 0;
            bool enableFell = (_previous & 0x04) != 0 && (b & 0x04) == 0;
            // Data and RS are read from the lines while E was high; RW = 1 would be a read, not a write.
            if (enableFell && (_previous & 0x02) == 0)
            {
                Latch((_previous & 0x01) != 0, _previous >> 4);
            }

            _previous = b;
        }
    }

    /// <summary>The text of visible row <paramref name="row"/> (trailing blanks kept).</summary>
    public string Line(int row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        // Rows 2 and 3 of a 20x4 panel continue lines 0 and 1 of the controller's RAM.
        int ramLine = row % 2;
        int offset = row / 2 * Columns;
        return new string(_ram[ramLine], offset, Columns);
    }

    /// <summary>All visible rows.</summary>
    public IReadOnlyList<string> Lines() => Enumerable.Range(0, Rows).Select(Line).ToArray();

    private void Latch(bool registerSelect, int nibble)
    {
        if (!FourBitMode)
        {
            // 8-bit mode: D0-D3 are not wired on a backpack; the nibble is the upper half of a whole byte.
            Execute(registerSelect, nibble << 4);
            return;
        }

        if (_highNibble is not { } high)
        {
            _highNibble = nibble;
            return;
        }

        _highNibble = null;
        Execute(registerSelect, (high << 4) | nibble);
    }

    private void Execute(bool data, int value)
    {
        Latched++;
        if (data)
        {
            WriteData((byte)value);
            return;
        }

        switch (value)
        {
            case >= 0x80: _address = value & 0x7F; _writingCgram = false; break;
            case >= 0x40: _writingCgram = true; break;
            case >= 0x20:
                FourBitMode = (value & 0x10) == 0;
                TwoLines = (value & 0x08) != 0;
                _highNibble = null;
                break;
            case >= 0x10: break; // cursor or display shift: not used by our driver
            case >= 0x08: DisplayOn = (value & 0x04) != 0; break;
            case >= 0x04: _increment = (value & 0x02) != 0; break;
            case >= 0x02: _address = 0; _writingCgram = false; break;
            case 0x01: Clear(); break;
            default: break;
        }
    }

    private void WriteData(byte value)
    {
        if (_writingCgram)
        {
            return;
        }

        int line = _address >= 0x40 ? 1 : 0;
        int column = _address - (line * 0x40);
        if (column is >= 0 and < LineLength)
        {
            _ram[line][column] = (char)value;
        }

        // In two-line mode the address runs 0x00-0x27, then 0x40-0x67, and wraps.
        _address += _increment ? 1 : -1;
        _address = _address switch
        {
            0x28 => 0x40,
            0x68 => 0x00,
            0x3F => 0x27,
            -1 => 0x67,
            _ => _address,
        };
    }

    private void Clear()
    {
        foreach (char[] line in _ram)
        {
            Array.Fill(line, ' ');
        }

        _address = 0;
        _increment = true;
    }
}
