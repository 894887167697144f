namespace IotSquares.Indicators.Ssd1306;

/// <summary>The SSD1306 command bytes we send (datasheet, section 9), named once for the driver and the decoder.</summary>
public static class Ssd1306Commands
{
    /// <summary>I2C control byte: the rest of the message is commands.</summary>
    public const byte ControlCommands = 0x00;

    /// <summary>I2C control byte: the rest of the message is display data.</summary>
    public const byte ControlData = 0x40;

    /// <summary>Set memory addressing mode (1 argument: 0 horizontal, 1 vertical, 2 page).</summary>
    public const byte MemoryAddressingMode = 0x20;

    /// <summary>Set column window (2 arguments: start, end).</summary>
    public const byte ColumnAddress = 0x21;

    /// <summary>Set page window (2 arguments: start, end).</summary>
    public const byte PageAddress = 0x22;

    /// <summary>Set contrast (1 argument).</summary>
    public const byte Contrast = 0x81;

    /// <summary>Charge pump setting (1 argument: 0x14 on, 0x10 off).</summary>
    public const byte ChargePump = 0x8D;

    /// <summary>Segment re-map: column 127 is SEG0 (the panel is mounted mirrored).</summary>
    public const byte SegmentRemap = 0xA1;

    /// <summary>Show the RAM contents (not all pixels on).</summary>
    public const byte ResumeFromRam = 0xA4;

    /// <summary>Normal, not inverted.</summary>
    public const byte NormalDisplay = 0xA6;

    /// <summary>Multiplex ratio (1 argument: rows - 1).</summary>
    public const byte MultiplexRatio = 0xA8;

    /// <summary>Display off (sleep).</summary>
    public const byte DisplayOff = 0xAE;

    /// <summary>Display on.</summary>
    public const byte DisplayOn = 0xAF;

    /// <summary>COM scan from COM[N-1] to COM0 (the panel is mounted upside down).</summary>
    public const byte ComScanDecrement = 0xC8;

    /// <summary>Display offset (1 argument).</summary>
    public const byte DisplayOffset = 0xD3;

    /// <summary>Clock divide ratio and oscillator frequency (1 argument).</summary>
    public const byte ClockDivide = 0xD5;

    /// <summary>Pre-charge period (1 argument).</summary>
    public const byte PreCharge = 0xD9;

    /// <summary>COM pins hardware configuration (1 argument: 0x12 for 64 rows, 0x02 for 32).</summary>
    public const byte ComPins = 0xDA;

    /// <summary>VCOMH deselect level (1 argument).</summary>
    public const byte VcomhDeselect = 0xDB;

    /// <summary>Display start line 0 (0x40 to 0x7F select lines 0 to 63).</summary>
    public const byte StartLine = 0x40;

    /// <summary>How many argument bytes follow <paramref name="command"/>.</summary>
    public static int ArgumentCount(byte command) => command switch
    {
        MemoryAddressingMode or Contrast or ChargePump or MultiplexRatio or DisplayOffset or ClockDivide
            or PreCharge or ComPins or VcomhDeselect => 1,
        ColumnAddress or PageAddress or 0xA3 => 2,
        0x29 or 0x2A => 5,
        0x26 or 0x27 => 6,
        _ => 0,
    };
}
