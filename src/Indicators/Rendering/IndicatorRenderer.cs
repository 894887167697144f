using IotSquares.Indicators.Display;
using IotSquares.Indicators.Layout;
using IotSquares.Indicators.Leds;
using IotSquares.Indicators.State;
using IotSquares.Protocol.Events;
using Microsoft.Extensions.Logging;

namespace IotSquares.Indicators.Rendering;

/// <summary>
/// The indicators' own two loops, each on a thread of its own: the display, redrawn when the state changed but at
/// most <c>maxRefreshRate</c> times a second (the latest state wins, states in between are skipped, and a frame whose
/// text is what the display already shows is not sent), and the LEDs, which sleep until their next change (a
/// blink's edge, a flash's end) or a new state that shows on them. Neither ever runs on the connection loop, and
/// neither wakes while nothing changes: on a 2-core Pi every wake-up is taken from the two programs' loops.
/// </summary>
public sealed class IndicatorRenderer : IAsyncDisposable
{
    // A failed display is tried again this often (ResilientDisplay decides whether it is due).
    private static readonly TimeSpan RetryCheck = TimeSpan.FromSeconds(1);

    private readonly IndicatorStateStore _store;
    private readonly IIndicatorDisplay _display;
    private readonly ResilientDisplay _resilient;
    private readonly LedDriver _leds;
    private readonly IIndicatorLeds _ledBackend;
    private readonly TimeProvider _time;
    private readonly TimeSpan _minInterval;
    private readonly WakeSignal _displayWake;
    private readonly WakeSignal _ledsOnAnyChange;
    private readonly WakeSignal _ledsOnEvent;
    private Task _displayDone = Task.CompletedTask;
    private Task _ledsDone = Task.CompletedTask;
    private long _drawnVersion = -1;
    private string[] _shown = [];
    private long _ledWakeUps;

    /// <summary>Renders <paramref name="store"/>'s state on <paramref name="display"/> and <paramref name="leds"/> (both disposed with this).</summary>
    public IndicatorRenderer(
        IndicatorStateStore store, IIndicatorDisplay display, Func<Exception, string> displayHint,
        IIndicatorLeds leds, double maxRefreshRate, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRefreshRate);
        _store = store;
        _display = display;
        _ledBackend = leds;
        _time = timeProvider;
        _minInterval = TimeSpan.FromSeconds(1 / maxRefreshRate);
        _resilient = new ResilientDisplay(display, displayHint, timeProvider, logger);
        _leds = new LedDriver(leds, logger);
        _displayWake = new WakeSignal(timeProvider);
        _ledsOnAnyChange = new WakeSignal(timeProvider);
        _ledsOnEvent = new WakeSignal(timeProvider);
        store.Subscribe(_displayWake);
        store.Subscribe(_ledsOnAnyChange);
        store.Subscribe(_ledsOnEvent, onSquares: false);
    }

    /// <summary>Display frames actually drawn, for tests and the benchmark.</summary>
    public long FramesDrawn { get; private set; }

    /// <summary>Times the LED loop woke and brought the LEDs up to date, for tests and the benchmark.</summary>
    public long LedWakeUps => Interlocked.Read(ref _ledWakeUps);

    /// <summary>Starts both loops, each on a thread of its own.</summary>
    public void Start()
    {
        // Threads of their own, not the thread pool's: the display blocks on the bus for tens of milliseconds.
        _displayDone = LoopThread.Start("indicator display", DisplayLoop);
        _ledsDone = LoopThread.Start("indicator LEDs", LedLoop);
    }

    /// <summary>Draws the current state now if it changed (the display loop's one step).</summary>
    public void DrawIfChanged()
    {
        IndicatorState state = _store.Current;
        if (state.Version == _drawnVersion)
        {
            return;
        }

        string[] lines = DisplayLayout.Lines(state, _display.Columns, _display.Rows, _display.Ellipsis);
        if (lines.AsSpan().SequenceEqual(_shown) && _resilient.ConsecutiveFailures == 0)
        {
            // Nothing a person would see has changed (a count that did not reach the display's text): no frame.
            _drawnVersion = state.Version;
            return;
        }

        if (_resilient.TryShow(lines))
        {
            _drawnVersion = state.Version;
            _shown = lines;
            FramesDrawn++;
        }
    }

    /// <summary>Brings the LEDs up to date now (the LED loop's one step).</summary>
    public LedFrame TickLeds() => _leds.Tick(_store.Current, _time.GetUtcNow());

    /// <summary>Stops the loops, draws the final state once more and releases the hardware.</summary>
    public async ValueTask DisposeAsync()
    {
        _displayWake.Close();
        _ledsOnAnyChange.Close();
        _ledsOnEvent.Close();
        await Task.WhenAll(_displayDone, _ledsDone).ConfigureAwait(false);

        // The last state (DONE, the last square) stays on the display after the program ends.
        DrawIfChanged();
        _display.Dispose();
        _ledBackend.Dispose();
        _displayWake.Dispose();
        _ledsOnAnyChange.Dispose();
        _ledsOnEvent.Dispose();
    }

    private void DisplayLoop()
    {
        while (!_displayWake.IsClosed)
        {
            DateTimeOffset last = _time.GetUtcNow();
            DrawIfChanged();
            // Wake on a change, or (while the display fails) when a retry may be due.
            _displayWake.WaitRaised(_resilient.ConsecutiveFailures > 0 ? _time.GetUtcNow() + RetryCheck : null);
            DateTimeOffset due = last + _minInterval;
            if (_time.GetUtcNow() < due)
            {
                // At most maxRefreshRate frames a second: changes meanwhile coalesce into the next frame.
                _displayWake.SleepUntil(due);
            }
        }
    }

    private void LedLoop()
    {
        while (!_ledsOnAnyChange.IsClosed)
        {
            DateTimeOffset now = _time.GetUtcNow();
            IndicatorState state = _store.Current;
            _leds.Tick(state, now);
            Interlocked.Increment(ref _ledWakeUps);
            DateTimeOffset? next = _leds.NextChange(state, now);
            if (_leds.FlashesOnSquare(now))
            {
                _ledsOnAnyChange.WaitRaised(next);
            }
            else
            {
                // During a flash and its gap a square changes nothing yet (the flash at the gap's end shows it, and
                // NextChange wakes the loop then): only the other events wake it, so an error lights at once.
                _ledsOnEvent.WaitRaised(next);
            }
        }
    }
}
