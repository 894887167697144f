namespace IotSquares.Indicators.Configuration;

/// <summary>Which display is wired (configuration <c>Hardware:Display:Kind</c>).</summary>
public enum DisplayKind
{
    /// <summary>No display.</summary>
    None,

    /// <summary>SSD1306 OLED, 128x64 or 128x32, at 0x3C or 0x3D.</summary>
    Ssd1306,

    /// <summary>HD44780 LCD 16x2 or 20x4 behind a PCF8574, at 0x27 or 0x3F.</summary>
    Hd44780,
}
