namespace IotSquares.Soak.Reporting;

/// <summary>One row of the table: the totals so far and the server's state at one moment.</summary>
/// <param name="ElapsedSeconds">Seconds since the clients started (0 is the idle server before any load).</param>
/// <param name="Exchanges">Exchanges finished so far.</param>
/// <param name="SquaresVerified">Squares received and verified so far.</param>
/// <param name="SquaresPerSecond">Squares verified per second since the previous row.</param>
/// <param name="Errors">Failed exchanges so far.</param>
/// <param name="ServerRssMegabytes">The server's resident set size (VmRSS), MiB; null if not sampled.</param>
/// <param name="ServerCpuPercent">The server's CPU time since the previous row, percent of one core.</param>
/// <param name="ServerThreads">The server's threads.</param>
/// <param name="ServerOpenFiles">The server's open file descriptors, sockets included.</param>
/// <param name="SoakCpuPercent">This tool's own CPU since the previous row, percent of one core (the load is not free).</param>
internal sealed record SoakSample(
    double ElapsedSeconds,
    long Exchanges,
    long SquaresVerified,
    double SquaresPerSecond,
    long Errors,
    double? ServerRssMegabytes,
    double? ServerCpuPercent,
    int? ServerThreads,
    int? ServerOpenFiles,
    double? SoakCpuPercent);
