using IotSquares.Indicators.Display;
using IotSquares.Indicators.Ssd1306;

namespace IotSquares.Indicators.Simulation;

/// <summary>
/// The OLED on a PC: our real SSD1306 driver writing to a simulated bus (captured to a file when asked),
/// and its frame buffer, the one that would go over I2C, painted in the terminal.
/// </summary>
public sealed class SimulatedDisplay : IIndicatorDisplay
{
    private readonly Ssd1306Display _oled;
    private readonly TerminalPanel? _panel;

    /// <summary>A <paramref name="width"/>x<paramref name="height"/> OLED; <paramref name="capture"/> receives its I2C messages; <paramref name="busHz"/> as on <see cref="CapturingI2cDevice"/>.</summary>
    /// <param name="width">Pixels across (128).</param>
    /// <param name="height">64 or 32.</param>
    /// <param name="capture">Where the I2C messages go, or null.</param>
    /// <param name="panel">Where the frames are painted, or null.</param>
    /// <param name="busHz">See <see cref="CapturingI2cDevice"/>.</param>
    /// <param name="address">The I2C address the recording names.</param>
    public SimulatedDisplay(int width, int height, Stream? capture, TerminalPanel? panel, int busHz = 0, int address = 0x3C)
    {
        _oled = new Ssd1306Display(new CapturingI2cDevice(1, address, capture, busHz), width, height, shouldDispose: true);
        _panel = panel;
    }

    /// <inheritdoc />
    public int Columns => _oled.Columns;

    /// <inheritdoc />
    public int Rows => _oled.Rows;

    /// <inheritdoc />
    public string Ellipsis => _oled.Ellipsis;

    /// <inheritdoc />
    public void Initialize() => _oled.Initialize();

    /// <inheritdoc />
    public void Show(IReadOnlyList<string> lines)
    {
        _oled.Show(lines);
        _panel?.Frame(_oled.Frame);
    }

    /// <inheritdoc />
    public void Dispose() => _oled.Dispose();
}
