using System.Device.I2c;
using IotSquares.Indicators.Display;
using IotSquares.Indicators.Graphics;

namespace IotSquares.Indicators.Ssd1306;

/// <summary>
/// An SSD1306 OLED (128x64 or 128x32) on I2C, driven by our own small driver: the set-up sequence for the
/// panel's real height, then only the pages that changed, each as one I2C write. A full 128x64 frame is
/// 1024 data bytes, about 23 ms on a 400 kHz bus; a new square usually changes two or three pages.
/// </summary>
public sealed class Ssd1306Display : IIndicatorDisplay
{
    private readonly I2cDevice _device;
    private readonly bool _shouldDispose;
    private readonly MonoFrameBuffer _frame;
    private readonly MonoFrameBuffer _sent;
    private readonly byte[] _pageMessage;
    private bool _sentValid;

    /// <summary>Drives the panel behind <paramref name="device"/> (address 0x3C or 0x3D).</summary>
    /// <param name="device">The I2C device at the panel's address.</param>
    /// <param name="width">Pixels across (128).</param>
    /// <param name="height">Pixels down (64 or 32).</param>
    /// <param name="shouldDispose">Whether disposing this disposes <paramref name="device"/>.</param>
    public Ssd1306Display(I2cDevice device, int width = 128, int height = 64, bool shouldDispose = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (height is not (32 or 64) || width is <= 0 or > 128)
        {
            throw new ArgumentOutOfRangeException(nameof(height), $"{width}x{height}", "SSD1306 panels are up to 128 wide and 32 or 64 high.");
        }

        _device = device;
        _shouldDispose = shouldDispose;
        _frame = new MonoFrameBuffer(width, height);
        _sent = new MonoFrameBuffer(width, height);
        _pageMessage = new byte[width + 1];
    }

    /// <inheritdoc />
    public int Columns => TextRenderer.Columns(_frame.Width);

    /// <inheritdoc />
    public int Rows => TextRenderer.Rows(_frame.Height);

    /// <inheritdoc />
    public string Ellipsis => "…";

    /// <summary>The image last drawn (what the panel shows once <see cref="Show"/> returned).</summary>
    public MonoFrameBuffer Frame => _frame;

    /// <inheritdoc />
    public void Initialize()
    {
        bool tall = _frame.Height == 64;
        byte[] setUp =
        [
            Ssd1306Commands.ControlCommands,
            Ssd1306Commands.DisplayOff,
            Ssd1306Commands.ClockDivide, 0x80,
            Ssd1306Commands.MultiplexRatio, (byte)(_frame.Height - 1),
            Ssd1306Commands.DisplayOffset, 0x00,
            Ssd1306Commands.StartLine,
            Ssd1306Commands.ChargePump, 0x14,
            Ssd1306Commands.MemoryAddressingMode, 0x00,
            Ssd1306Commands.SegmentRemap,
            Ssd1306Commands.ComScanDecrement,
            Ssd1306Commands.ComPins, (byte)(tall ? 0x12 : 0x02),
            Ssd1306Commands.Contrast, (byte)(tall ? 0xCF : 0x8F),
            Ssd1306Commands.PreCharge, 0xF1,
            Ssd1306Commands.VcomhDeselect, 0x40,
            Ssd1306Commands.ResumeFromRam,
            Ssd1306Commands.NormalDisplay,
            Ssd1306Commands.DisplayOn,
        ];
        _device.Write(setUp);
        // After a (re-)set-up the panel's RAM is unknown: the next frame goes out whole.
        _sentValid = false;
    }

    /// <inheritdoc />
    public void Show(IReadOnlyList<string> lines)
    {
        TextRenderer.Draw(_frame, lines, BitmapFont.Default);
        Flush();
    }

    /// <summary>Sends the pages of <see cref="Frame"/> that differ from what the panel shows.</summary>
    public void Flush()
    {
        for (int page = 0; page < _frame.Pages; page++)
        {
            Span<byte> bytes = _frame.Page(page);
            if (_sentValid && bytes.SequenceEqual(_sent.Page(page)))
            {
                continue;
            }

            _device.Write([
                Ssd1306Commands.ControlCommands,
                Ssd1306Commands.ColumnAddress, 0, (byte)(_frame.Width - 1),
                Ssd1306Commands.PageAddress, (byte)page, (byte)page,
            ]);
            _pageMessage[0] = Ssd1306Commands.ControlData;
            bytes.CopyTo(_pageMessage.AsSpan(1));
            _device.Write(_pageMessage);
            bytes.CopyTo(_sent.Page(page));
        }

        _sentValid = true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_shouldDispose)
        {
            _device.Dispose();
        }
    }
}
