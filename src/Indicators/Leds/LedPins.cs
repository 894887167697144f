namespace IotSquares.Indicators.Leds;

/// <summary>Where the LEDs are wired: BCM (GPIO line) numbers, and whether a low level lights them.</summary>
/// <param name="Status">Green LED's line (default GPIO17, header pin 11).</param>
/// <param name="Activity">Yellow LED's line (default GPIO27, header pin 13).</param>
/// <param name="Error">Red LED's line (default GPIO22, header pin 15).</param>
/// <param name="ActiveLow">True when the LED is wired from 3V3 to the pin (lit by driving it low).</param>
public sealed record LedPins(int Status = 17, int Activity = 27, int Error = 22, bool ActiveLow = false)
{
    /// <summary>The line of <paramref name="led"/>.</summary>
    public int For(IndicatorLed led) => led switch
    {
        IndicatorLed.Status => Status,
        IndicatorLed.Activity => Activity,
        _ => Error,
    };
}
