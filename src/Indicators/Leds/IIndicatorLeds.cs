namespace IotSquares.Indicators.Leds;

/// <summary>
/// The LEDs: GPIO pins, the terminal, or nothing. Called only from the LED loop, and only when an LED
/// changes, never from the connection loop.
/// </summary>
public interface IIndicatorLeds : IDisposable
{
    /// <summary>Turns <paramref name="led"/> on or off; may throw when the GPIO chip goes away.</summary>
    void Set(IndicatorLed led, bool on);
}
