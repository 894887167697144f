using IotSquares.Indicators.State;

namespace IotSquares.Indicators.Leds;

/// <summary>
/// Decides, from the state and the time, which LEDs are lit: the patterns of docs/wiring.md. Pure
/// apart from the flash bookkeeping, so tests step it through simulated time.
/// </summary>
public sealed class LedAnimator
{
    /// <summary>How long a square's flash lasts.</summary>
    public static readonly TimeSpan FlashLength = TimeSpan.FromMilliseconds(40);

    /// <summary>The dark gap after a flash before the next one, so flashes stay visible at any rate (at most 12.5 a second).</summary>
    public static readonly TimeSpan FlashGap = TimeSpan.FromMilliseconds(40);

    /// <summary>How long the red LED stays on after an error.</summary>
    public static readonly TimeSpan ErrorHold = TimeSpan.FromSeconds(3);

    /// <summary>How long the server shows "goodbye" before going back to "listening".</summary>
    public static readonly TimeSpan GoodbyeShown = TimeSpan.FromSeconds(3);

    private long _flashedCount;
    private DateTimeOffset _flashStart = DateTimeOffset.MinValue;

    /// <summary>Which LEDs are lit at <paramref name="now"/>.</summary>
    public LedFrame Compute(IndicatorState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        LedPattern pattern = LedPatterns.StatusPattern(state, now);
        bool errorHeld = state.LastErrorAt is { } at && now - at < ErrorHold;
        bool error = errorHeld || LedPatterns.IsOn(LedPatterns.ErrorPattern(state), now);
        return new LedFrame(LedPatterns.IsOn(pattern, now), Flash(state, now), error);
    }

    private bool Flash(IndicatorState state, DateTimeOffset now)
    {
        if (state.Count != _flashedCount && now >= _flashStart + FlashLength + FlashGap)
        {
            _flashedCount = state.Count;
            _flashStart = now;
        }

        return now >= _flashStart && now < _flashStart + FlashLength;
    }
}
