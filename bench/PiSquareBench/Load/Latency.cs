using System.Diagnostics;
using IotSquares.Bench.Processes;

namespace IotSquares.Bench.Load;

/// <summary>Round-trip times of a run, in microseconds (percentiles by nearest rank).</summary>
/// <param name="Count">Requests measured.</param>
/// <param name="MeanUs">Mean.</param>
/// <param name="P50Us">Median.</param>
/// <param name="P90Us">90th percentile.</param>
/// <param name="P99Us">99th percentile.</param>
/// <param name="P999Us">99.9th percentile.</param>
/// <param name="MaxUs">Slowest.</param>
internal sealed record Latency(long Count, double MeanUs, double P50Us, double P90Us, double P99Us, double P999Us, double MaxUs)
{
    /// <summary>Summarises <paramref name="count"/> Stopwatch-tick durations (sorted in place).</summary>
    public static Latency FromTicks(long[] ticks, int count)
    {
        if (count == 0)
        {
            return new Latency(0, 0, 0, 0, 0, 0, 0);
        }

        Array.Sort(ticks, 0, count);
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += ticks[i];
        }

        double perMicrosecond = Stopwatch.Frequency / 1e6;
        double At(double q) => ticks[Math.Clamp((int)Math.Ceiling(q * count) - 1, 0, count - 1)] / perMicrosecond;
        return new Latency(count, sum / count / perMicrosecond, At(0.50), At(0.90), At(0.99), At(0.999), ticks[count - 1] / perMicrosecond);
    }

    /// <summary>What the native client measured.</summary>
    public static Latency FromNative(NativeResult result) => new(
        result.Count,
        result.MeanMicroseconds ?? 0,
        result.P50Microseconds ?? 0,
        result.P90Microseconds ?? 0,
        result.P99Microseconds ?? 0,
        result.P999Microseconds ?? 0,
        result.MaxMicroseconds ?? 0);
}
