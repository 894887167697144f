namespace IotSquares.Indicators.Leds;

/// <summary>The LED backend when there are none.</summary>
public sealed class NoLeds : IIndicatorLeds
{
    /// <inheritdoc />
    public void Set(IndicatorLed led, bool on)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
