namespace IotSquares.Indicators.Leds;

/// <summary>How one LED behaves over time. docs/wiring.md has the table of what each means.</summary>
public enum LedPattern
{
    /// <summary>Dark.</summary>
    Off,

    /// <summary>Lit all the time.</summary>
    Steady,

    /// <summary>4 blinks a second (125 ms on, 125 ms off): a handshake in progress, or reconnecting (red).</summary>
    FastBlink,

    /// <summary>1 blink a second (500 ms on, 500 ms off): goodbye, done, or stopping.</summary>
    SlowBlink,
}
