using IotSquares.Indicators.Display;
using IotSquares.Indicators.Hd44780;

namespace IotSquares.Indicators.Simulation;

/// <summary>
/// The HD44780 LCD on a PC: our real driver (the Iot.Device.Bindings LCD behind a PCF8574) writing to a
/// simulated bus, captured to a file when asked, and the rows it wrote painted in the terminal.
/// </summary>
public sealed class SimulatedLcd : IIndicatorDisplay
{
    private readonly Hd44780Display _lcd;
    private readonly TerminalPanel? _panel;

    /// <summary>A <paramref name="columns"/>x<paramref name="rows"/> LCD (16x2 or 20x4) at <paramref name="address"/>.</summary>
    /// <param name="columns">16 or 20.</param>
    /// <param name="rows">2 or 4.</param>
    /// <param name="capture">Where the PCF8574's bytes go (as I2C messages), or null.</param>
    /// <param name="panel">Where the rows are painted, or null.</param>
    /// <param name="busHz">See <see cref="CapturingI2cDevice"/>.</param>
    /// <param name="address">The I2C address the recording names.</param>
    public SimulatedLcd(int columns, int rows, Stream? capture, TerminalPanel? panel, int busHz = 0, int address = 0x27)
    {
        _lcd = new Hd44780Display(new CapturingI2cDevice(1, address, capture, busHz), columns, rows, shouldDispose: true);
        _panel = panel;
    }

    /// <inheritdoc />
    public int Columns => _lcd.Columns;

    /// <inheritdoc />
    public int Rows => _lcd.Rows;

    /// <inheritdoc />
    public string Ellipsis => _lcd.Ellipsis;

    /// <inheritdoc />
    public void Initialize() => _lcd.Initialize();

    /// <inheritdoc />
    public void Show(IReadOnlyList<string> lines)
    {
        _lcd.Show(lines);
        _panel?.Text(_lcd.Text);
    }

    /// <inheritdoc />
    public void Dispose() => _lcd.Dispose();
}
