using System.Globalization;
using IotSquares.Indicators.Leds;

namespace IotSquares.Indicators.Simulation;

/// <summary>
/// The LEDs on a PC: coloured dots in the terminal panel, and when asked a timeline file with one line
/// per change (<c>unix-milliseconds led on|off</c>) for tests and docs.
/// </summary>
public sealed class SimulatedLeds : IIndicatorLeds
{
    private readonly TextWriter? _timeline;
    private readonly TerminalPanel? _panel;
    private readonly TimeProvider _time;

    /// <summary>LEDs shown on <paramref name="panel"/> and written to <paramref name="timeline"/> (owned), either may be null.</summary>
    public SimulatedLeds(TerminalPanel? panel, TextWriter? timeline, TimeProvider timeProvider)
    {
        _panel = panel;
        _timeline = timeline;
        _time = timeProvider;
    }

    /// <inheritdoc />
    public void Set(IndicatorLed led, bool on)
    {
        _panel?.Led(led, on);
        if (_timeline is not null)
        {
            string line = string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow().ToUnixTimeMilliseconds()} {led.ToString().ToLowerInvariant()} {(on ? "on" : "off")}");
            lock (_timeline)
            {
                _timeline.WriteLine(line);
                _timeline.Flush();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timeline?.Dispose();
}
