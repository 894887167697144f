using IotSquares.Bench.Load;

namespace IotSquares.Bench.Reporting;

/// <summary>Everything a run measured, by scenario id; the report's rows are computed from it at the end.</summary>
internal sealed class Measurements
{
    /// <summary>Round-trip times of the lockstep runs.</summary>
    public Dictionary<string, Latency> Latencies { get; } = new(StringComparer.Ordinal);

    /// <summary>Squares per second (lockstep runs too).</summary>
    public Dictionary<string, double> Rates { get; } = new(StringComparer.Ordinal);

    /// <summary>Each run's figure, in round order (squares/s, or µs for lockstep runs): runs of one round are taken at the same moments.</summary>
    public Dictionary<string, double[]> RunRates { get; } = new(StringComparer.Ordinal);

    /// <summary>The concurrent runs.</summary>
    public Dictionary<string, ConcurrentLoad.Result> Concurrent { get; } = new(StringComparer.Ordinal);

    /// <summary>Every round of a concurrent scenario that runs several (the paced one), in round order.</summary>
    public Dictionary<string, List<ConcurrentLoad.Result>> ConcurrentRounds { get; } = new(StringComparer.Ordinal);

    /// <summary>Single figures: milliseconds, MiB, percent of a core.</summary>
    public Dictionary<string, double> Scalars { get; } = new(StringComparer.Ordinal);

    /// <summary>Why a scenario has no figure.</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>Extra detail for a figure (the spread of repeated runs, which build measured).</summary>
    public Dictionary<string, string> Details { get; } = new(StringComparer.Ordinal);

    /// <summary>Things the reader should know about the run (server warnings, skipped scenarios).</summary>
    public List<string> Notes { get; } = [];
}
