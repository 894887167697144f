using IotSquares.Indicators.Graphics;
using IotSquares.Indicators.Leds;

namespace IotSquares.Indicators.Simulation;

/// <summary>What a panel shows at one moment.</summary>
/// <param name="Title">The role, e.g. <c>client Pi</c>.</param>
/// <param name="DisplayTitle">The display, e.g. <c>SSD1306 128x64 at 0x3C</c>; empty without a display.</param>
/// <param name="Frame">An OLED's frame, or null.</param>
/// <param name="Text">An LCD's rows, or null.</param>
/// <param name="TextColumns">The LCD's characters per row.</param>
/// <param name="Leds">The LEDs' lines, or null without LEDs.</param>
/// <param name="LedsOn">Which LEDs are lit, by <see cref="IndicatorLed"/>.</param>
public sealed record PanelContent(
    string Title, string DisplayTitle, MonoFrameBuffer? Frame, IReadOnlyList<string>? Text, int TextColumns,
    LedPins? Leds, IReadOnlyList<bool> LedsOn);
