namespace IotSquares.Indicators.Leds;

/// <summary>Which of the three LEDs are lit at one moment.</summary>
/// <param name="Status">Green.</param>
/// <param name="Activity">Yellow.</param>
/// <param name="Error">Red.</param>
public readonly record struct LedFrame(bool Status, bool Activity, bool Error)
{
    /// <summary>Whether <paramref name="led"/> is lit.</summary>
    public bool Get(IndicatorLed led) => led switch
    {
        IndicatorLed.Status => Status,
        IndicatorLed.Activity => Activity,
        _ => Error,
    };
}
