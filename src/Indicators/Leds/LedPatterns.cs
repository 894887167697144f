using IotSquares.Indicators.State;

namespace IotSquares.Indicators.Leds;

/// <summary>The mapping from state to pattern, in one place (the table in docs/wiring.md follows it).</summary>
public static class LedPatterns
{
    /// <summary>The green LED's pattern.</summary>
    public static LedPattern StatusPattern(IndicatorState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state switch
        {
            { Finished: true, Succeeded: false } => LedPattern.Off,
            { Finished: true } or { Stopping: true } => LedPattern.SlowBlink,
            { Reconnecting: true } => LedPattern.Off,
            { Stage: HandshakeStage.Greeting } => LedPattern.FastBlink,
            // The server shows the goodbye a while, then it is simply listening again.
            { Stage: HandshakeStage.Goodbye, Role: IndicatorRole.Server }
                when now - state.StageSince >= LedAnimator.GoodbyeShown => LedPattern.Steady,
            { Stage: HandshakeStage.Goodbye } => LedPattern.SlowBlink,
            _ => LedPattern.Steady,
        };
    }

    /// <summary>The red LED's pattern apart from the held error: blinking while reconnecting, steady after a failed run.</summary>
    public static LedPattern ErrorPattern(IndicatorState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state switch
        {
            { Finished: true, Succeeded: false } => LedPattern.Steady,
            { Reconnecting: true } => LedPattern.FastBlink,
            _ => LedPattern.Off,
        };
    }

    /// <summary>Whether <paramref name="pattern"/> is lit at <paramref name="now"/> (blinks keep to the wall clock's phase).</summary>
    public static bool IsOn(LedPattern pattern, DateTimeOffset now)
    {
        long ms = now.ToUnixTimeMilliseconds();
        return pattern switch
        {
            LedPattern.Steady => true,
            LedPattern.FastBlink => ms % 250 < 125,
            LedPattern.SlowBlink => ms % 1000 < 500,
            _ => false,
        };
    }
}
