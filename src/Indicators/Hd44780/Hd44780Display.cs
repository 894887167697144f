using System.Device.I2c;
using Iot.Device.CharacterLcd;
using IotSquares.Indicators.Display;

namespace IotSquares.Indicators.Hd44780;

/// <summary>
/// An HD44780 character LCD (16x2 or 20x4) behind a PCF8574 I2C backpack (address 0x27 or 0x3F), through
/// the Iot.Device.Bindings driver in 4-bit mode. Only lines whose text changed are rewritten: each
/// character costs 4 I2C bytes, and an unchanged line should not flicker.
/// </summary>
public sealed class Hd44780Display : IIndicatorDisplay
{
    private readonly I2cDevice _device;
    private readonly bool _shouldDispose;
    private readonly string?[] _shown;
    private Iot.Device.CharacterLcd.Hd44780? _lcd;

    /// <summary>Drives the LCD behind <paramref name="device"/>.</summary>
    /// <param name="device">The PCF8574 backpack.</param>
    /// <param name="columns">16 or 20.</param>
    /// <param name="rows">2 or 4.</param>
    /// <param name="shouldDispose">Whether disposing this disposes <paramref name="device"/>.</param>
    public Hd44780Display(I2cDevice device, int columns = 16, int rows = 2, bool shouldDispose = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        if ((columns, rows) is not ((16, 2) or (20, 4)))
        {
            throw new ArgumentOutOfRangeException(nameof(columns), $"{columns}x{rows}", "HD44780 sizes supported: 16x2 and 20x4.");
        }

        _device = device;
        _shouldDispose = shouldDispose;
        Columns = columns;
        Rows = rows;
        _shown = new string?[rows];
    }

    /// <inheritdoc />
    public int Columns { get; }

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public string Ellipsis => "..";

    /// <summary>The rows as last written to the LCD, each padded to <see cref="Columns"/> (blank before the first <see cref="Show"/>).</summary>
    public IReadOnlyList<string> Text => _shown.Select(row => row ?? new string(' ', Columns)).ToArray();

    /// <inheritdoc />
    public void Initialize()
    {
        // The binding sends the reset-to-4-bit sequence and the function set from its constructor.
        _lcd?.Dispose();
        LcdInterface bus = LcdInterface.CreateI2c(_device, false);
        _lcd = Rows == 4 ? new Lcd2004(bus) : new Lcd1602(bus);
        _lcd.BacklightOn = true;
        _lcd.DisplayOn = true;
        _lcd.Clear();
        Array.Clear(_shown);
    }

    /// <inheritdoc />
    public void Show(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (_lcd is null)
        {
            Initialize();
        }

        for (int row = 0; row < Rows; row++)
        {
            string text = Fit(row < lines.Count ? lines[row] : "");
            if (text == _shown[row])
            {
                continue;
            }

            _lcd!.SetCursorPosition(0, row);
            _lcd.Write(text);
            _shown[row] = text;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The LCD object would dispose its interface and with it the device; only do that when we own it.
        if (_shouldDispose)
        {
            _lcd?.Dispose();
            _device.Dispose();
        }
    }

    // Padded to the full width so that a shorter line overwrites the end of a longer one; the ROM's
    // character set is ASCII in 0x20..0x7D, anything else shows as '?'.
    private string Fit(string line)
    {
        Span<char> chars = stackalloc char[Columns];
        chars.Fill(' ');
        for (int i = 0; i < Math.Min(line.Length, Columns); i++)
        {
            char c = line[i];
            chars[i] = c is >= ' ' and <= '}' ? c : '?';
        }

        return new string(chars);
    }
}
