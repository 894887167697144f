using IotSquares.Indicators.Display;
using Microsoft.Extensions.Logging;

namespace IotSquares.Indicators.Rendering;

/// <summary>
/// Keeps a flaky display from mattering: the first failure is logged once as a warning with the fix,
/// then frames are dropped while it is retried with a growing wait (1 s doubling to 30 s); when it answers
/// again it is set up anew and that is logged once too.
/// </summary>
public sealed class ResilientDisplay
{
    private static readonly TimeSpan FirstWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);
    private readonly IIndicatorDisplay _display;
    private readonly Func<Exception, string> _hint;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private bool _initialized;
    private bool _failing;
    private TimeSpan _wait = FirstWait;
    private DateTimeOffset _nextAttempt;

    /// <summary>Wraps <paramref name="display"/>; <paramref name="hint"/> turns an error into the advice logged.</summary>
    public ResilientDisplay(IIndicatorDisplay display, Func<Exception, string> hint, TimeProvider timeProvider, ILogger logger)
    {
        _display = display;
        _hint = hint;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Failures since the display last worked (0 when it works).</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>Shows <paramref name="lines"/> if the display works or is due for a retry; returns whether it was shown.</summary>
    public bool TryShow(IReadOnlyList<string> lines)
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (_failing && now < _nextAttempt)
        {
            return false;
        }

        try
        {
            if (!_initialized)
            {
                _display.Initialize();
                _initialized = true;
            }

            _display.Show(lines);
        }
        catch (Exception ex) when (ex is SystemException)
        {
            Failed(ex, now);
            return false;
        }

        if (_failing)
        {
            _logger.LogInformation("The display answers again after {Failures:N0} failed attempts.", ConsecutiveFailures);
        }

        _failing = false;
        ConsecutiveFailures = 0;
        _wait = FirstWait;
        return true;
    }

    private void Failed(Exception error, DateTimeOffset now)
    {
        if (!_failing)
        {
            _logger.LogWarning("Display: {Hint}. The exchange goes on; retrying in the background.", _hint(error));
        }

        _failing = true;
        // The controller may have been reset by a brown-out: set it up again on the next attempt.
        _initialized = false;
        ConsecutiveFailures++;
        _nextAttempt = now + _wait;
        _wait = TimeSpan.FromTicks(Math.Min(_wait.Ticks * 2, LongestWait.Ticks));
    }
}
