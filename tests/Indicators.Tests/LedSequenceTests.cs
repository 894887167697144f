using IotSquares.Indicators.State;
using IotSquares.Indicators.Tests.Support;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;

namespace IotSquares.Indicators.Tests;

/// <summary>The LED timeline of whole exchanges, read back from the GPIO writes, on simulated time.</summary>
public sealed class LedSequenceTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly int Status = LedBench.Pins.Status;
    private static readonly int Activity = LedBench.Pins.Activity;
    private static readonly int Error = LedBench.Pins.Error;

    [Fact]
    public void Waiting_is_steady_and_the_handshake_blinks_four_times_a_second()
    {
        using var bench = new LedBench(IndicatorRole.Client);
        bench.Store.Connecting("127.0.0.1:50007", 1);
        DateTimeOffset start = bench.Time.GetUtcNow();
        bench.Run(Second);
        DateTimeOffset greeting = bench.Time.GetUtcNow();
        bench.Store.ConnectionOpened(Conversation.First);
        bench.Run(Second);

        var waiting = bench.Pulses(Status, start, greeting);
        var blinks = bench.Pulses(Status, greeting, bench.Time.GetUtcNow());
        Assert.Single(waiting);
        Assert.True(waiting[0].Length >= Second, $"steady for {waiting[0].Length}");
        // The first blink continues the steady light, so it started before the greeting: 3 more in the second.
        Assert.Equal(3, blinks.Count);
        // 125 ms, seen by a loop that ticks every 10 ms: at most one tick more.
        Assert.All(blinks, b => Assert.InRange(b.Length.TotalMilliseconds, 125, 135));
        Assert.Empty(bench.Pulses(Activity, start, bench.Time.GetUtcNow()));
        Assert.Empty(bench.Pulses(Error, start, bench.Time.GetUtcNow()));
    }

    [Fact]
    public void Squares_flash_the_activity_led_at_most_twelve_times_a_second_each_flash_40_ms()
    {
        using var bench = new LedBench(IndicatorRole.Server);
        Conversation.Handshake(bench.Store, Conversation.First);
        DateTimeOffset start = bench.Time.GetUtcNow();
        long n = 0;

        // A thousand squares a second: ten per LED tick.
        bench.Run(Second, () => Conversation.Squares(bench.Store, Conversation.First, n, 10, (n += 10) - 10));

        var flashes = bench.Pulses(Activity, start, bench.Time.GetUtcNow());
        Assert.InRange(flashes.Count, 12, 13);
        Assert.All(flashes, f => Assert.Equal(TimeSpan.FromMilliseconds(40), f.Length));
        Assert.Single(bench.Pulses(Status, start - Second, bench.Time.GetUtcNow()));
    }

    [Fact]
    public void A_single_square_gives_one_flash()
    {
        using var bench = new LedBench(IndicatorRole.Client);
        Conversation.Handshake(bench.Store, Conversation.First);
        bench.Run(Second);
        DateTimeOffset start = bench.Time.GetUtcNow();

        Conversation.Squares(bench.Store, Conversation.First, 7, 1);
        bench.Run(Second);

        Assert.Single(bench.Pulses(Activity, start, bench.Time.GetUtcNow()));
    }

    [Fact]
    public void An_error_is_held_on_the_red_led_for_three_seconds()
    {
        using var bench = new LedBench(IndicatorRole.Server);
        Conversation.Handshake(bench.Store, Conversation.First);
        bench.Run(Second);
        DateTimeOffset start = bench.Time.GetUtcNow();

        bench.Store.RequestRejected(Conversation.First, ProtocolError.For(ErrorCode.NotAnInteger));
        bench.Run(5 * Second);

        var held = Assert.Single(bench.Pulses(Error, start, bench.Time.GetUtcNow()));
        Assert.Equal(3 * Second, held.Length);
        Assert.Equal(1, bench.Store.Current.Errors);
    }

    [Fact]
    public void Reconnecting_darkens_green_and_blinks_red_until_connected_again()
    {
        using var bench = new LedBench(IndicatorRole.Client);
        Conversation.Handshake(bench.Store, Conversation.First);
        Conversation.Squares(bench.Store, Conversation.First, 0, 10);
        bench.Run(Second);

        bench.Store.ConnectionClosed(Conversation.First, CloseReason.ConnectionLost, 10);
        bench.Store.Reconnecting("connection reset", Second, 1, 5, 3);
        bench.Run(4 * Second);
        DateTimeOffset afterHold = bench.Time.GetUtcNow() - Second;
        Assert.False(bench.Gpio.IsHigh(Status));
        Assert.InRange(bench.Pulses(Error, afterHold, bench.Time.GetUtcNow()).Count, 3, 4);

        var second = new ConnectionInfo(2, "127.0.0.1:50007");
        bench.Store.Connecting("127.0.0.1:50007", 1);
        Conversation.Handshake(bench.Store, second);
        bench.Run(Second);
        DateTimeOffset ready = bench.Time.GetUtcNow();
        bench.Run(Second);

        Assert.True(bench.Gpio.IsHigh(Status));
        Assert.Empty(bench.Pulses(Error, ready, bench.Time.GetUtcNow()));
        Assert.False(bench.Gpio.IsHigh(Error));
    }

    [Fact]
    public void Goodbye_blinks_slowly_and_the_server_then_listens_steadily_again()
    {
        using var bench = new LedBench(IndicatorRole.Server);
        Conversation.Handshake(bench.Store, Conversation.First);
        Conversation.Squares(bench.Store, Conversation.First, 0, 100);
        bench.Run(Second);
        DateTimeOffset bye = bench.Time.GetUtcNow();

        Conversation.Goodbye(bench.Store, Conversation.First, 100);
        bench.Run(3 * Second);
        DateTimeOffset listening = bench.Time.GetUtcNow();
        bench.Run(2 * Second);

        var slow = bench.Pulses(Status, bye, listening);
        // The first slow blink continues the steady light; two more start in the 3 s of goodbye.
        Assert.Equal(2, slow.Count);
        Assert.All(slow, p => Assert.Equal(TimeSpan.FromMilliseconds(500), p.Length));
        Assert.True(bench.Gpio.IsHigh(Status));
        Assert.Empty(bench.Pulses(Status, listening + TimeSpan.FromMilliseconds(20), bench.Time.GetUtcNow()));
        Assert.Equal(HandshakeStage.Goodbye, bench.Store.Current.Stage);
    }

    [Fact]
    public void A_failed_run_ends_with_red_steady_and_green_dark()
    {
        using var bench = new LedBench(IndicatorRole.Client);
        Conversation.Handshake(bench.Store, Conversation.First);
        bench.Store.Finished(false, "wrong square");
        bench.Run(5 * Second);

        Assert.True(bench.Gpio.IsHigh(Error));
        Assert.False(bench.Gpio.IsHigh(Status));
    }

    [Fact]
    public void Active_low_leds_are_lit_by_driving_the_line_low()
    {
        using var bench = new LedBench(IndicatorRole.Client);
        var pins = new Leds.LedPins(5, 6, 13, ActiveLow: true);
        using var leds = new Leds.GpioLeds(new System.Device.Gpio.GpioController(bench.Gpio), pins);

        Assert.True(bench.Gpio.IsHigh(5));
        leds.Set(Leds.IndicatorLed.Status, true);
        Assert.False(bench.Gpio.IsHigh(5));
    }
}
