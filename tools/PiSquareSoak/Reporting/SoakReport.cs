namespace IotSquares.Soak.Reporting;

/// <summary>Everything a run found, as written to <c>--json</c> and <c>--markdown</c>.</summary>
internal sealed record SoakReport
{
    /// <summary>When the clients started (UTC).</summary>
    public required DateTimeOffset StartedUtc { get; init; }

    /// <summary>The machine: processor, cores, memory, OS, .NET.</summary>
    public required string Machine { get; init; }

    /// <summary>The server soaked: the assembly started, or host:port.</summary>
    public required string Server { get; init; }

    /// <summary>The server's process id, if known.</summary>
    public int? ServerPid { get; init; }

    /// <summary>Client loops.</summary>
    public required int Clients { get; init; }

    /// <summary>The planned length of the run, minutes.</summary>
    public required double Minutes { get; init; }

    /// <summary>The target rate, squares per second across all clients (0 = unthrottled).</summary>
    public required double Rate { get; init; }

    /// <summary>Seconds between rows.</summary>
    public required double SampleSeconds { get; init; }

    /// <summary>The workload's seed.</summary>
    public required int Seed { get; init; }

    /// <summary>True when the run was interrupted (Ctrl+C, SIGTERM) or cut short because the server died.</summary>
    public bool Interrupted { get; init; }

    /// <summary>The rows of the table.</summary>
    public required IReadOnlyList<SoakSample> Samples { get; init; }

    /// <summary>The totals.</summary>
    public required SoakSummary Summary { get; init; }

    /// <summary>The totals by client profile (dialect and window).</summary>
    public required IReadOnlyList<ProfileSummary> Profiles { get; init; }

    /// <summary>Failed exchanges by the client's exit code.</summary>
    public required IReadOnlyDictionary<int, long> ErrorsByExitCode { get; init; }

    /// <summary>The first failed exchanges in full.</summary>
    public required IReadOnlyList<Load.ErrorRecord> FirstErrors { get; init; }

    /// <summary>What the started server logged; null for a server that was already running.</summary>
    public ServerLogSummary? ServerLog { get; init; }

    /// <summary>How the started server stopped; null for a server that was already running.</summary>
    public Monitoring.ServerStop? ServerStop { get; init; }

    /// <summary>The tool's exit code.</summary>
    public int ExitCode { get; init; }
}

/// <summary>The run's totals and the server's memory over it.</summary>
internal sealed record SoakSummary
{
    /// <summary>Seconds from the start of the clients to the last of them finishing.</summary>
    public required double ElapsedSeconds { get; init; }

    /// <summary>Exchanges finished (each on its own connection).</summary>
    public required long Exchanges { get; init; }

    /// <summary>Integers asked for.</summary>
    public required long SquaresRequested { get; init; }

    /// <summary>Squares received and verified.</summary>
    public required long SquaresVerified { get; init; }

    /// <summary>Squares verified per second over the whole run.</summary>
    public required double SquaresPerSecond { get; init; }

    /// <summary>Failed exchanges.</summary>
    public required long Errors { get; init; }

    /// <summary>Reconnects inside exchanges (retries are off, so any would be a surprise).</summary>
    public required long Reconnects { get; init; }

    /// <summary>The server's RSS before any load, MiB.</summary>
    public double? RssIdleMegabytes { get; init; }

    /// <summary>The server's RSS at the first row under load, MiB.</summary>
    public double? RssFirstMegabytes { get; init; }

    /// <summary>The server's lowest RSS under load, MiB.</summary>
    public double? RssMinMegabytes { get; init; }

    /// <summary>The server's highest RSS, MiB.</summary>
    public double? RssMaxMegabytes { get; init; }

    /// <summary>The server's RSS at the last row, MiB.</summary>
    public double? RssLastMegabytes { get; init; }

    /// <summary>Last minus first under load, MiB.</summary>
    public double? RssGrowthMegabytes { get; init; }

    /// <summary>
    /// The least-squares slope of RSS over the rows after the first quarter of the run (warm-up left
    /// out), MiB per hour; null with fewer than 5 such rows or when they span less than 5 minutes.
    /// </summary>
    public double? RssTrendMegabytesPerHour { get; init; }

    /// <summary>The server's mean CPU over the run, percent of one core.</summary>
    public double? ServerCpuPercent { get; init; }

    /// <summary>The server's most threads in any row.</summary>
    public int? ServerThreadsMax { get; init; }

    /// <summary>The server's open file descriptors at the first and last row under load.</summary>
    public string? ServerOpenFiles { get; init; }
}

/// <summary>The totals of the loops that speak one way.</summary>
/// <param name="Profile">e.g. <c>framed/8</c>, <c>textbook</c>, <c>auto</c>.</param>
/// <param name="Clients">Loops with this profile.</param>
/// <param name="Exchanges">Their exchanges.</param>
/// <param name="SquaresVerified">Their verified squares.</param>
/// <param name="Errors">Their failed exchanges.</param>
internal sealed record ProfileSummary(string Profile, int Clients, long Exchanges, long SquaresVerified, long Errors);

/// <summary>What the started server logged.</summary>
/// <param name="Lines">Lines logged.</param>
/// <param name="Warnings">Lines at Warning.</param>
/// <param name="Errors">Lines at Error or Critical.</param>
/// <param name="CloseReasons">Connections closed, by the reason logged.</param>
/// <param name="Problems">The first warning and error lines.</param>
/// <param name="Path">Where the whole log was copied, if anywhere.</param>
internal sealed record ServerLogSummary(long Lines, long Warnings, long Errors, IReadOnlyDictionary<string, long> CloseReasons, IReadOnlyList<string> Problems, string? Path);
