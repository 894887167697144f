namespace IotSquares.Indicators.State;

/// <summary>Squares a second, measured over whole one-second windows so that the number shown is steady.</summary>
internal sealed class RateMeter
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private DateTimeOffset _windowStart;
    private long _countAtStart;
    private double _rate;

    /// <summary>Feeds the running total at <paramref name="now"/>; returns the rate of the last complete window.</summary>
    public double Update(long total, DateTimeOffset now)
    {
        if (_windowStart == default)
        {
            _windowStart = now;
            _countAtStart = total;
            return _rate;
        }

        TimeSpan elapsed = now - _windowStart;
        if (elapsed >= Window)
        {
            // A window with no events since a long pause counts its squares over the whole pause.
            _rate = (total - _countAtStart) / elapsed.TotalSeconds;
            _windowStart = now;
            _countAtStart = total;
        }

        return _rate;
    }
}
