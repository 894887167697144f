namespace IotSquares.Bench.Load;

/// <summary>
/// The samples of one scenario across the rounds of a group: round trips pooled into one
/// distribution, and squares over seconds summed into one rate.
/// </summary>
internal sealed class Pool
{
    private readonly List<long[]> _ticks = [];
    private readonly List<double> _runFigures = [];

    /// <summary>Squares measured.</summary>
    public long Count { get; private set; }

    /// <summary>Seconds they took.</summary>
    public double Seconds { get; private set; }

    /// <summary>Runs that made it.</summary>
    public int Runs { get; private set; }

    /// <summary>Squares per second over all runs.</summary>
    public double Rate => Seconds > 0 ? Count / Seconds : 0;

    /// <summary>True when round trips were recorded.</summary>
    public bool HasLatency => _ticks.Count > 0;

    /// <summary>Each run's figure: its median round trip in µs when round trips are known, else its squares per second.</summary>
    public IReadOnlyList<double> RunFigures => _runFigures;

    /// <summary>Adds one run: <paramref name="count"/> squares in <paramref name="seconds"/>, with each round trip when known.</summary>
    public void Add(long count, double seconds, long[]? ticks = null)
    {
        Count += count;
        Seconds += seconds;
        Runs++;
        if (ticks is not null)
        {
            _ticks.Add(ticks);
            _runFigures.Add(Load.Latency.FromTicks([.. ticks], ticks.Length).P50Us);
        }
        else
        {
            _runFigures.Add(seconds > 0 ? count / seconds : 0);
        }
    }

    /// <summary>Every round trip of every run.</summary>
    public Latency Latency()
    {
        long[] all = new long[_ticks.Sum(t => t.Length)];
        int at = 0;
        foreach (long[] part in _ticks)
        {
            part.CopyTo(all, at);
            at += part.Length;
        }

        return Load.Latency.FromTicks(all, all.Length);
    }
}
