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

    /// <summary>
    /// The first moment after <paramref name="now"/> at which <see cref="Compute"/> may light other LEDs for the same
    /// <paramref name="state"/> (a blink's edge, a flash's end, the end of its gap, an error's hold, the server's goodbye
    /// turning into listening), or null when only a new state can change them. Never later than a real change, at
    /// worst earlier: the LED loop sleeps until then instead of ticking.
    /// </summary>
    public DateTimeOffset? NextChange(IndicatorState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        DateTimeOffset? next = BlinkEdge(LedPatterns.StatusPattern(state, now), now);
        next = Earliest(next, BlinkEdge(LedPatterns.ErrorPattern(state), now));
        if (state is { Stage: HandshakeStage.Goodbye, Role: IndicatorRole.Server })
        {
            next = Earliest(next, After(state.StageSince + GoodbyeShown, now));
        }

        if (state.LastErrorAt is { } at)
        {
            next = Earliest(next, After(at + ErrorHold, now));
        }

        next = Earliest(next, After(_flashStart + FlashLength, now));
        return Earliest(next, After(_flashStart + FlashLength + FlashGap, now));
    }

    /// <summary>
    /// Whether a new square would start a flash at <paramref name="now"/>: false during a flash and the gap after it,
    /// when squares are only counted (the flash at the gap's end shows them), so the LED loop need not wake for them.
    /// </summary>
    public bool FlashesOnSquare(DateTimeOffset now) => FlashDue(now);

    private static DateTimeOffset? BlinkEdge(LedPattern pattern, DateTimeOffset now)
    {
        long half = pattern switch
        {
            LedPattern.FastBlink => 125,
            LedPattern.SlowBlink => 500,
            _ => 0,
        };
        if (half == 0)
        {
            return null;
        }

        // IsOn reads whole milliseconds of the Unix time: the LED changes at the next multiple of the half period.
        long ms = now.ToUnixTimeMilliseconds();
        return DateTimeOffset.FromUnixTimeMilliseconds(((ms / half) + 1) * half);
    }

    private static DateTimeOffset? After(DateTimeOffset moment, DateTimeOffset now) => moment > now ? moment : null;

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;

    // A clock set back (NTP at a Pi's boot) must not hold the flashes off until it catches up again.
    private bool FlashDue(DateTimeOffset now) => now >= _flashStart + FlashLength + FlashGap || now < _flashStart;

    private bool Flash(IndicatorState state, DateTimeOffset now)
    {
        if (state.Count != _flashedCount && FlashDue(now))
        {
            _flashedCount = state.Count;
            _flashStart = now;
        }

        return now >= _flashStart && now < _flashStart + FlashLength;
    }
}
