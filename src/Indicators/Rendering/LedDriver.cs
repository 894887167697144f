using IotSquares.Indicators.Leds;
using IotSquares.Indicators.State;
using Microsoft.Extensions.Logging;

namespace IotSquares.Indicators.Rendering;

/// <summary>
/// Applies the animator's frames to the LEDs, writing only the LEDs that change. If the GPIO chip fails
/// mid-run, that is logged once and the LEDs are left alone from then on: the exchange never waits on them.
/// </summary>
public sealed class LedDriver
{
    private static readonly IndicatorLed[] All = [IndicatorLed.Status, IndicatorLed.Activity, IndicatorLed.Error];
    private readonly IIndicatorLeds _leds;
    private readonly ILogger _logger;
    private readonly LedAnimator _animator = new();
    private LedFrame? _shown;
    private bool _broken;

    /// <summary>Drives <paramref name="leds"/>.</summary>
    public LedDriver(IIndicatorLeds leds, ILogger logger)
    {
        _leds = leds;
        _logger = logger;
    }

    /// <summary>Brings the LEDs to what <paramref name="state"/> shows at <paramref name="now"/>.</summary>
    public LedFrame Tick(IndicatorState state, DateTimeOffset now)
    {
        LedFrame frame = _animator.Compute(state, now);
        if (_broken || frame == _shown)
        {
            return frame;
        }

        try
        {
            foreach (IndicatorLed led in All)
            {
                if (_shown is not { } shown || shown.Get(led) != frame.Get(led))
                {
                    _leds.Set(led, frame.Get(led));
                }
            }

            _shown = frame;
        }
        catch (Exception ex) when (ex is SystemException)
        {
            _broken = true;
            _logger.LogWarning("LEDs: {Hint}. The exchange goes on without them.", HardwareHints.ForGpio(ex, "the GPIO chip"));
        }

        return frame;
    }

    /// <summary>When the LEDs may change next for the same state (see <see cref="LedAnimator.NextChange"/>); null: only on a new state.</summary>
    public DateTimeOffset? NextChange(IndicatorState state, DateTimeOffset now) => _broken ? null : _animator.NextChange(state, now);

    /// <summary>Whether a new square would show at <paramref name="now"/> (see <see cref="LedAnimator.FlashesOnSquare"/>).</summary>
    public bool FlashesOnSquare(DateTimeOffset now) => !_broken && _animator.FlashesOnSquare(now);
}
