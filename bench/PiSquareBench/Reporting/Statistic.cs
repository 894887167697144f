namespace IotSquares.Bench.Reporting;

/// <summary>The one summary the report takes of repeated figures: their median.</summary>
internal static class Statistic
{
    /// <summary>The middle value of <paramref name="values"/> (the mean of the two middle ones for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
