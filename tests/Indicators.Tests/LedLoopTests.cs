using System.Device.Gpio;
using IotSquares.Indicators.Display;
using IotSquares.Indicators.Leds;
using IotSquares.Indicators.Rendering;
using IotSquares.Indicators.State;
using IotSquares.Indicators.Testing;
using IotSquares.Indicators.Tests.Support;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using Microsoft.Extensions.Time.Testing;

namespace IotSquares.Indicators.Tests;

/// <summary>
/// The LED loop sleeps until the LEDs' next change instead of ticking. Woken only then (and by the events that
/// show), it must light exactly what a loop ticking every millisecond lights, with a small fraction of the wake-ups.
/// </summary>
public sealed class LedLoopTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
    private static readonly ConnectionInfo Second = new(2, "127.0.0.1:50008");

    // A server's whole evening, at whole milliseconds: listening, a handshake, squares fast then slow, a refused
    // request, a lost connection beside a good one, a goodbye, stopping.
    private static readonly SortedList<int, Step> Script = BuildScript();

    [Fact]
    public void Sleeping_until_the_next_change_lights_exactly_what_ticking_every_millisecond_lights()
    {
        using var ticking = new LedBench(IndicatorRole.Server);
        using var sleeping = new LedBench(IndicatorRole.Server);
        var loop = new LoopModel(sleeping);
        int end = Script.Keys[^1] + 6000;
        for (int t = 0; t <= end; t++)
        {
            if (Script.TryGetValue(t, out Step? step))
            {
                step.Events(ticking.Store);
                step.Events(sleeping.Store);
                loop.Raised(step.AnyButSquares);
            }

            ticking.Driver.Tick(ticking.Store.Current, ticking.Time.GetUtcNow());
            loop.MaybeWake();
            ticking.Time.Advance(Ms);
            sleeping.Time.Advance(Ms);
        }

        Assert.True(ticking.Gpio.Writes.Count > 60, $"the script should light a lot: {ticking.Gpio.Writes.Count} writes");
        Assert.Equal(ticking.Gpio.Writes, sleeping.Gpio.Writes);
        // Ticking woke the loop every millisecond; sleeping only at changes (most of them the flashes' ends and gaps).
        Assert.True(loop.WakeUps < (end + 1) / 20, $"{loop.WakeUps} wake-ups in {end + 1} ms");
    }

    [Fact]
    public async Task The_running_loop_flashes_for_40_ms_and_holds_an_error_for_3_s_on_the_clock_it_is_given()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var gpio = new RecordingGpioDriver(time);
        using var store = new IndicatorStateStore(IndicatorRole.Server, "127.0.0.1:50007", time);
        var renderer = new IndicatorRenderer(store, new NoDisplay(), e => e.Message, new GpioLeds(new GpioController(gpio), LedBench.Pins),
            maxRefreshRate: 10, time, new ListLogger());
        renderer.Start();
        Conversation.Handshake(store, Conversation.First);
        await WaitUntilAsync(() => gpio.IsHigh(LedBench.Pins.Status), "the green LED");

        DateTimeOffset squareAt = time.GetUtcNow();
        Conversation.Squares(store, Conversation.First, 0, 5);
        await WaitUntilAsync(() => gpio.IsHigh(LedBench.Pins.Activity), "the flash");
        time.Advance(LedAnimator.FlashLength);
        await WaitUntilAsync(() => !gpio.IsHigh(LedBench.Pins.Activity), "the flash's end");
        Assert.Equal([(squareAt, true), (squareAt + LedAnimator.FlashLength, false)], Writes(gpio, LedBench.Pins.Activity));

        DateTimeOffset errorAt = time.GetUtcNow();
        store.RequestRejected(Conversation.First, ProtocolError.For(ErrorCode.NotAnInteger));
        await WaitUntilAsync(() => gpio.IsHigh(LedBench.Pins.Error), "the red LED");
        for (int i = 0; i < 6 && gpio.IsHigh(LedBench.Pins.Error); i++)
        {
            time.Advance(TimeSpan.FromSeconds(0.5));
            await WaitUntilAsync(() => time.GetUtcNow() - errorAt < LedAnimator.ErrorHold || !gpio.IsHigh(LedBench.Pins.Error), "the error's end");
        }

        Assert.Equal([(errorAt, true), (errorAt + LedAnimator.ErrorHold, false)], Writes(gpio, LedBench.Pins.Error));
        // Each wake-up brought a change or a moment one might come; the clock moved 3.04 s.
        Assert.InRange(renderer.LedWakeUps, 4, 40);
        await renderer.DisposeAsync();
    }

    // From the first time the LED was lit: before that, the set-up wrote it dark.
    private static List<(DateTimeOffset, bool)> Writes(RecordingGpioDriver gpio, int pin) =>
        gpio.Writes.Where(w => w.Pin == pin).SkipWhile(w => !w.High).Select(w => (w.At, w.High)).ToList();

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"no {what} within 60 s");
            await Task.Delay(5);
        }
    }

    private static SortedList<int, Step> BuildScript()
    {
        var script = new SortedList<int, Step>();
        void At(int ms, Action<IndicatorStateStore> events, bool squares = false) =>
            script[ms] = script.TryGetValue(ms, out Step? before)
                ? new Step(s => { before.Events(s); events(s); }, before.AnyButSquares || !squares)
                : new Step(events, !squares);

        At(0, s => s.Listening("127.0.0.1:50007"));
        At(300, s => s.ConnectionOpened(Conversation.First));
        At(777, s => s.HandshakeCompleted(Conversation.First, Protocol.Dialect.Framed, 1));
        long count = 0;
        for (int t = 1000; t < 2500; t += 3)
        {
            long n = ++count;
            At(t, s => s.SquareServed(Conversation.First, n, n * n, n), squares: true);
        }

        At(2013, s => s.RequestRejected(Conversation.First, ProtocolError.For(ErrorCode.NotAnInteger)));
        for (int t = 3000; t < 6000; t += 230)
        {
            long n = ++count;
            At(t, s => s.SquareServed(Conversation.First, n, n * n, n), squares: true);
        }

        At(6100, s => s.ConnectionOpened(Second));
        At(6200, s => s.ConnectionClosed(Second, CloseReason.ConnectionLost, 0));
        At(6500, s => Conversation.Goodbye(s, Conversation.First, count));
        At(11_000, s => s.Stopping());
        At(11_004, s => s.Finished(true, "drained"));
        return script;
    }

    private sealed record Step(Action<IndicatorStateStore> Events, bool AnyButSquares);

    /// <summary>What IndicatorRenderer's LED loop does, step for step, on a bench's simulated clock.</summary>
    private sealed class LoopModel(LedBench bench)
    {
        private bool _anyChange;
        private bool _eventChange;
        private bool _wakeOnSquares = true;
        private DateTimeOffset? _next = DateTimeOffset.MinValue;

        public int WakeUps { get; private set; }

        /// <summary>The store raised its signals: the one for every change, and with <paramref name="anyButSquares"/> the other.</summary>
        public void Raised(bool anyButSquares)
        {
            _anyChange = true;
            _eventChange |= anyButSquares;
        }

        public void MaybeWake()
        {
            DateTimeOffset now = bench.Time.GetUtcNow();
            bool raised = _wakeOnSquares ? _anyChange : _eventChange;
            if (!raised && !(_next is { } due && now >= due))
            {
                return;
            }

            if (_wakeOnSquares)
            {
                _anyChange = false;
            }
            else
            {
                _eventChange = false;
            }

            WakeUps++;
            IndicatorState state = bench.Store.Current;
            bench.Driver.Tick(state, now);
            _next = bench.Driver.NextChange(state, now);
            _wakeOnSquares = bench.Driver.FlashesOnSquare(now);
        }
    }
}
