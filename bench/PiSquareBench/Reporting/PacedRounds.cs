using System.Globalization;
using IotSquares.Bench.Load;

namespace IotSquares.Bench.Reporting;

/// <summary>
/// Our server's p99 against the C epoll server's, round by round, for a concurrent scenario run in interleaved
/// rounds (the paced one): a ratio per round taken at the same moment of the machine, their median and band.
/// </summary>
internal sealed record PacedRounds(double Median, double Min, double Max, string PerRound)
{
    /// <summary>The ratios of <paramref name="id"/>'s rounds to <paramref name="nativeId"/>'s, or null unless both ran the same rounds.</summary>
    public static PacedRounds? P99Ratios(Measurements m, string id, string? nativeId)
    {
        if (nativeId is null ||
            !m.ConcurrentRounds.TryGetValue(id, out List<ConcurrentLoad.Result>? ours) ||
            !m.ConcurrentRounds.TryGetValue(nativeId, out List<ConcurrentLoad.Result>? native) ||
            ours.Count != native.Count || ours.Count < 2)
        {
            return null;
        }

        double[] ratios = [.. ours.Zip(native, static (o, c) => o.Latency.P99Us / c.Latency.P99Us)];
        string perRound = string.Join(", ", ours.Zip(native, static (o, c) => string.Create(
            CultureInfo.InvariantCulture, $"{o.Latency.P99Us / 1000:0.00}/{c.Latency.P99Us / 1000:0.00}")));
        return new PacedRounds(Statistic.Median(ratios), ratios.Min(), ratios.Max(), $"p99 per round, ours/C ms: {perRound}");
    }
}
