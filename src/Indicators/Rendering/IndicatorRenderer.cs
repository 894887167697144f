using IotSquares.Indicators.Display;
using IotSquares.Indicators.Layout;
using IotSquares.Indicators.Leds;
using IotSquares.Indicators.State;
using Microsoft.Extensions.Logging;

namespace IotSquares.Indicators.Rendering;

/// <summary>
/// The indicators' own two loops: the display, redrawn when the state changed but at most
/// <c>maxRefreshRate</c> times a second (the latest state wins, states in between are skipped), and
/// the LEDs, ticked every 10 ms for blinks and flashes. Neither ever runs on the connection loop.
/// </summary>
public sealed class IndicatorRenderer : IAsyncDisposable
{
    /// <summary>How often the LEDs are brought up to date.</summary>
    public static readonly TimeSpan LedTick = TimeSpan.FromMilliseconds(10);

    private readonly IndicatorStateStore _store;
    private readonly IIndicatorDisplay _display;
    private readonly ResilientDisplay _resilient;
    private readonly LedDriver _leds;
    private readonly IIndicatorLeds _ledBackend;
    private readonly TimeProvider _time;
    private readonly TimeSpan _minInterval;
    private readonly CancellationTokenSource _stop = new();
    private Task _displayLoop = Task.CompletedTask;
    private Task _ledLoop = Task.CompletedTask;
    private long _drawnVersion = -1;

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
    }

    /// <summary>Display frames actually drawn, for tests and the benchmark.</summary>
    public long FramesDrawn { get; private set; }

    /// <summary>Starts both loops on the thread pool.</summary>
    public void Start()
    {
        _displayLoop = Task.Run(() => DisplayLoopAsync(_stop.Token));
        _ledLoop = Task.Run(() => LedLoopAsync(_stop.Token));
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
        if (_resilient.TryShow(lines))
        {
            _drawnVersion = state.Version;
            FramesDrawn++;
        }
    }

    /// <summary>Brings the LEDs up to date now (the LED loop's one step).</summary>
    public LedFrame TickLeds() => _leds.Tick(_store.Current, _time.GetUtcNow());

    /// <summary>Stops the loops, draws the final state once more and releases the hardware.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_displayLoop, _ledLoop).ConfigureAwait(false);
        // The last state (DONE, the last square) stays on the display after the program ends.
        DrawIfChanged();
        _display.Dispose();
        _ledBackend.Dispose();
        _stop.Dispose();
    }

    private async Task DisplayLoopAsync(CancellationToken stop)
    {
        DateTimeOffset last = DateTimeOffset.MinValue;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // Wake on a change, or once a second to retry a failed display.
                await _store.Changed.WaitAsync(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
                TimeSpan early = last + _minInterval - _time.GetUtcNow();
                if (early > TimeSpan.Zero)
                {
                    await Task.Delay(early, _time, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            last = _time.GetUtcNow();
            DrawIfChanged();
        }
    }

    private async Task LedLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TickLeds();
            try
            {
                await Task.Delay(LedTick, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
