namespace IotSquares.Indicators.Leds;

/// <summary>The three LEDs on each Pi (see docs/wiring.md for pins and colours).</summary>
public enum IndicatorLed
{
    /// <summary>Green: the conversation's state (steady, blinking).</summary>
    Status,

    /// <summary>Yellow: a flash per square.</summary>
    Activity,

    /// <summary>Red: an error, held for a few seconds.</summary>
    Error,
}
