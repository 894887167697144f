using System.Globalization;
using System.Runtime.InteropServices;
using IotSquares.Soak.Load;

namespace IotSquares.Soak.Reporting;

/// <summary>The numbers of a finished run: totals from the client loops, the server's resources from the rows, the machine it ran on.</summary>
internal static class SoakSummaries
{
    // The RSS trend is left out when the rows after warm-up span less than this: a few rows of a short run say nothing about a leak.
    private const double TrendMinimumSeconds = 300;

    /// <summary>Totals and resource figures of a run that took <paramref name="elapsed"/> seconds.</summary>
    public static SoakSummary Summarise(ClientLoop[] loops, List<SoakSample> samples, Sampler sampler, double elapsed)
    {
        long requested = loops.Sum(l => l.Stats.SquaresRequested);
        long verified = loops.Sum(l => l.Stats.SquaresVerified);
        List<SoakSample> loaded = [.. samples.Skip(1).Where(s => s.ServerRssMegabytes is not null)];
        double? cpu = sampler.FirstServer is { } first && sampler.LastServer is { } last && elapsed > 0
            ? last.CpuPercentSince(first, TimeSpan.FromSeconds(elapsed))
            : null;
        return new SoakSummary
        {
            ElapsedSeconds = elapsed,
            Exchanges = loops.Sum(l => l.Stats.Exchanges),
            SquaresRequested = requested,
            SquaresVerified = verified,
            SquaresPerSecond = elapsed > 0 ? verified / elapsed : 0,
            Errors = loops.Sum(l => l.Stats.Errors),
            Reconnects = loops.Sum(l => l.Stats.Reconnects),
            RssIdleMegabytes = samples.Count > 0 ? samples[0].ServerRssMegabytes : null,
            RssFirstMegabytes = loaded.Count > 0 ? loaded[0].ServerRssMegabytes : null,
            RssMinMegabytes = loaded.Count > 0 ? loaded.Min(s => s.ServerRssMegabytes) : null,
            RssMaxMegabytes = samples.Any(s => s.ServerRssMegabytes is not null) ? samples.Max(s => s.ServerRssMegabytes) : null,
            RssLastMegabytes = loaded.Count > 0 ? loaded[^1].ServerRssMegabytes : null,
            RssGrowthMegabytes = loaded.Count > 0 ? loaded[^1].ServerRssMegabytes - loaded[0].ServerRssMegabytes : null,
            RssTrendMegabytesPerHour = Trend([.. loaded.Where(s => s.ElapsedSeconds >= elapsed / 4)]),
            ServerCpuPercent = cpu,
            ServerThreadsMax = samples.Max(s => s.ServerThreads),
            ServerOpenFiles = loaded.Count > 0 && loaded[0].ServerOpenFiles is int firstFds && loaded[^1].ServerOpenFiles is int lastFds
                ? string.Create(CultureInfo.InvariantCulture, $"{firstFds}/{lastFds}")
                : null,
        };
    }

    // Least-squares slope of RSS against time, MiB per hour; only over a window long enough to mean something.
    private static double? Trend(List<SoakSample> rows)
    {
        if (rows.Count < 5 || rows[^1].ElapsedSeconds - rows[0].ElapsedSeconds < TrendMinimumSeconds)
        {
            return null;
        }

        double meanX = rows.Average(r => r.ElapsedSeconds);
        double meanY = rows.Average(r => r.ServerRssMegabytes!.Value);
        double covariance = rows.Sum(r => (r.ElapsedSeconds - meanX) * (r.ServerRssMegabytes!.Value - meanY));
        double variance = rows.Sum(r => (r.ElapsedSeconds - meanX) * (r.ElapsedSeconds - meanX));
        return variance > 0 ? covariance / variance * 3600 : null;
    }

    /// <summary>The processor, cores, memory, OS and runtime, for the report.</summary>
    public static string Machine()
    {
        string cpu = "unknown processor";
        string memory = string.Empty;
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } model
                ? model[(model.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()
                : cpu;
            if (File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } total)
            {
                long kb = long.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                memory = string.Create(CultureInfo.InvariantCulture, $", {kb / 1024.0 / 1024.0:0.#} GiB RAM");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux: say less.
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{cpu}, {Environment.ProcessorCount} cores{memory}; {RuntimeInformation.OSDescription}; {RuntimeInformation.FrameworkDescription}");
    }
}
