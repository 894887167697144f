using System.Device.Gpio;
using IotSquares.Indicators.Leds;
using IotSquares.Indicators.Rendering;
using IotSquares.Indicators.State;
using IotSquares.Indicators.Testing;
using Microsoft.Extensions.Time.Testing;

namespace IotSquares.Indicators.Tests.Support;

/// <summary>LEDs on a recording GPIO driver, stepped through simulated time as the LED loop would step them.</summary>
internal sealed class LedBench : IDisposable
{
    public static readonly LedPins Pins = new();

    /// <summary>The step of <see cref="Run"/>: fine enough for 40 ms flashes and 125 ms blinks.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    public LedBench(IndicatorRole role)
    {
        // A whole second, so that the blink phases start at a known point.
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Gpio = new RecordingGpioDriver(Time);
        Store = new IndicatorStateStore(role, "127.0.0.1:50007", Time);
        Leds = new GpioLeds(new GpioController(Gpio), Pins);
        Driver = new LedDriver(Leds, Logger);
    }

    public FakeTimeProvider Time { get; }

    public RecordingGpioDriver Gpio { get; }

    public IndicatorStateStore Store { get; }

    public GpioLeds Leds { get; }

    public LedDriver Driver { get; }

    public ListLogger Logger { get; } = new();

    /// <summary>Ticks the LEDs every 10 ms for <paramref name="duration"/>, calling <paramref name="eachTick"/> first.</summary>
    public void Run(TimeSpan duration, Action? eachTick = null)
    {
        for (TimeSpan t = TimeSpan.Zero; t < duration; t += Step)
        {
            eachTick?.Invoke();
            Driver.Tick(Store.Current, Time.GetUtcNow());
            Time.Advance(Step);
        }
    }

    /// <summary>The lit intervals of <paramref name="pin"/> that start in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public List<(DateTimeOffset On, TimeSpan Length)> Pulses(int pin, DateTimeOffset from, DateTimeOffset to)
    {
        var pulses = new List<(DateTimeOffset, TimeSpan)>();
        DateTimeOffset? on = null;
        foreach (PinWrite write in Gpio.Writes.Where(w => w.Pin == pin))
        {
            if (write.High && on is null)
            {
                on = write.At;
            }
            else if (!write.High && on is { } start)
            {
                if (start >= from && start < to)
                {
                    pulses.Add((start, write.At - start));
                }

                on = null;
            }
        }

        if (on is { } open && open >= from && open < to)
        {
            pulses.Add((open, Time.GetUtcNow() - open));
        }

        return pulses;
    }

    public void Dispose()
    {
        Leds.Dispose();
        Store.Dispose();
    }
}
