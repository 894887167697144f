using IotSquares.Indicators.Graphics;
using IotSquares.Indicators.Ssd1306;

namespace IotSquares.Indicators.Testing;

/// <summary>
/// Plays an SSD1306 controller: takes the I2C write messages sent to it (each starting with a control
/// byte) and keeps what the chip would: its 128x64 display RAM, addressing mode, column and page
/// windows, the write pointer, charge pump, multiplex ratio and display on/off. Works on raw captured
/// messages as well as on <see cref="RecordingI2cDevice"/> writes.
/// </summary>
public sealed class Ssd1306Decoder
{
    private readonly List<byte> _pending = [];

    /// <summary>The controller's display RAM (always 128x64, whatever the panel shows).</summary>
    public MonoFrameBuffer Ram { get; } = new(128, 64);

    /// <summary>0 horizontal, 1 vertical, 2 page addressing (the chip resets to 2).</summary>
    public int AddressingMode { get; private set; } = 2;

    /// <summary>Column window start.</summary>
    public int ColumnStart { get; private set; }

    /// <summary>Column window end.</summary>
    public int ColumnEnd { get; private set; } = 127;

    /// <summary>Page window start.</summary>
    public int PageStart { get; private set; }

    /// <summary>Page window end.</summary>
    public int PageEnd { get; private set; } = 7;

    /// <summary>Where the next data byte lands: column.</summary>
    public int Column { get; private set; }

    /// <summary>Where the next data byte lands: page.</summary>
    public int Page { get; private set; }

    /// <summary>Whether the charge pump was enabled (without it the panel stays dark).</summary>
    public bool ChargePumpOn { get; private set; }

    /// <summary>Whether the display was switched on.</summary>
    public bool DisplayOn { get; private set; }

    /// <summary>Rows driven (multiplex ratio + 1): 64 or 32.</summary>
    public int VisibleRows { get; private set; } = 64;

    /// <summary>The COM pins argument: 0x12 for a 64-row panel, 0x02 for 32.</summary>
    public int ComPins { get; private set; } = 0x12;

    /// <summary>Data bytes received.</summary>
    public long DataBytes { get; private set; }

    /// <summary>Commands received (not counting arguments).</summary>
    public long Commands { get; private set; }

    /// <summary>Decodes one I2C write message.</summary>
    public void Message(ReadOnlySpan<byte> message)
    {
        int i = 0;
        while (i < message.Length)
        {
            byte control = message[i++];
            bool continuation = (control & 0x80) != 0;
            bool data = (control & 0x40) != 0;
            // With Co = 1 one byte follows before the next control byte; with Co = 0 the rest of the message.
            int end = continuation ? Math.Min(i + 1, message.Length) : message.Length;
            for (; i < end; i++)
            {
                if (data)
                {
                    WriteData(message[i]);
                }
                else
                {
                    CommandByte(message[i]);
                }
            }
        }
    }

    /// <summary>What the panel shows: the visible rows of RAM (a 128x32 panel shows pages 0 to 3).</summary>
    public MonoFrameBuffer VisibleFrame()
    {
        var frame = new MonoFrameBuffer(128, VisibleRows);
        Ram.Bytes[..(128 * VisibleRows / 8)].CopyTo(frame.Bytes);
        return frame;
    }

    private void CommandByte(byte value)
    {
        _pending.Add(value);
        if (_pending.Count - 1 < Ssd1306Commands.ArgumentCount(_pending[0]))
        {
            return;
        }

        Execute(_pending[0], _pending.Skip(1).ToArray());
        _pending.Clear();
    }

    private void Execute(byte command, byte[] args)
    {
        Commands++;
        switch (command)
        {
            case Ssd1306Commands.MemoryAddressingMode: AddressingMode = args[0] & 0x03; break;
            case Ssd1306Commands.ColumnAddress:
                (ColumnStart, ColumnEnd, Column) = (args[0] & 0x7F, args[1] & 0x7F, args[0] & 0x7F);
                break;
            case Ssd1306Commands.PageAddress:
                (PageStart, PageEnd, Page) = (args[0] & 0x07, args[1] & 0x07, args[0] & 0x07);
                break;
            case Ssd1306Commands.ChargePump: ChargePumpOn = (args[0] & 0x04) != 0; break;
            case Ssd1306Commands.MultiplexRatio: VisibleRows = (args[0] & 0x3F) + 1; break;
            case Ssd1306Commands.ComPins: ComPins = args[0]; break;
            case Ssd1306Commands.DisplayOn: DisplayOn = true; break;
            case Ssd1306Commands.DisplayOff: DisplayOn = false; break;
            case >= 0xB0 and <= 0xB7: Page = command & 0x07; break;
            case <= 0x0F: Column = (Column & 0xF0) | command; break;
            case >= 0x10 and <= 0x1F: Column = (Column & 0x0F) | ((command & 0x0F) << 4); break;
            default: break;
        }
    }

    private void WriteData(byte value)
    {
        DataBytes++;
        Ram.Bytes[(Page * 128) + Column] = value;
        Advance();
    }

    // The write pointer moves as datasheet section 10.1.3 describes for each addressing mode.
    private void Advance()
    {
        switch (AddressingMode)
        {
            case 0:
                if (++Column > ColumnEnd)
                {
                    Column = ColumnStart;
                    Page = Page >= PageEnd ? PageStart : Page + 1;
                }

                break;
            case 1:
                if (++Page > PageEnd)
                {
                    Page = PageStart;
                    Column = Column >= ColumnEnd ? ColumnStart : Column + 1;
                }

                break;
            default:
                Column = (Column + 1) & 0x7F;
                break;
        }
    }
}
