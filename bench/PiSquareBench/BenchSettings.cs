namespace IotSquares.Bench;

/// <summary>What one run measures and how long each part takes.</summary>
internal sealed record BenchSettings
{
    /// <summary>The groups of scenarios, in the order they run.</summary>
    public static readonly IReadOnlyList<string> AllGroups = ["lockstep", "pipelined", "concurrent", "resources"];

    /// <summary>True for the smoke run (about a minute).</summary>
    public bool Quick { get; init; }

    /// <summary>
    /// Rounds of the lockstep and pipelined groups: every scenario runs once per round, in an order
    /// rotated each round, so that a busy moment of a shared machine hits all of them alike; each
    /// scenario's samples are pooled across the rounds.
    /// </summary>
    public int Rounds { get; init; } = 5;

    /// <summary>Measured requests of each lockstep scenario over all rounds (and of the pipelined runs at window 1).</summary>
    public int LockstepCount { get; init; } = 100_000;

    /// <summary>Unmeasured requests over all rounds, sent first on each run's connection.</summary>
    public int LockstepWarmup { get; init; } = 10_000;

    /// <summary>Measured requests of each pipelined scenario at windows above 1 over all rounds (a tenth more go first, unmeasured).</summary>
    public int PipelineCount { get; init; } = 1_000_000;

    /// <summary>The pipeline windows.</summary>
    public IReadOnlyList<int> Windows { get; init; } = [1, 64, 4096];

    /// <summary>The concurrent connection counts (closed loop, lockstep each).</summary>
    public IReadOnlyList<int> ConcurrentClients { get; init; } = [1, 100, 1000];

    /// <summary>How long each concurrent run lasts.</summary>
    public TimeSpan ConcurrentDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The pace of each connection in the paced 1,000-client run.</summary>
    public TimeSpan PacedInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Connections held open for the RSS-with-clients figure, and of the paced run.</summary>
    public int ManyClients { get; init; } = 1000;

    /// <summary>How many times each server is started to time start-to-ready.</summary>
    public int StartupRuns { get; init; } = 5;

    /// <summary>Wait before reading an RSS.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the server's CPU is watched with one silent client.</summary>
    public TimeSpan IdleCpuWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first integer of every lockstep and pipelined run.</summary>
    public long Start { get; init; }

    /// <summary>Groups to run (see <see cref="AllGroups"/>).</summary>
    public IReadOnlyList<string> Groups { get; init; } = AllGroups;

    /// <summary>PiSquareServer.dll to start; null to find it.</summary>
    public string? ServerPath { get; init; }

    /// <summary>The PiSquareClient executable (or .dll) the client CLI rows start; null to find it beside the tool.</summary>
    public string? ClientPath { get; init; }

    /// <summary>A folder with prebuilt native peers; null to compile them.</summary>
    public string? NativeBin { get; init; }

    /// <summary>The Python interpreter for the textbook's server.</summary>
    public string Python { get; init; } = "python3";

    /// <summary>Where to write the JSON report, if anywhere.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Where to write the Markdown report, if anywhere.</summary>
    public string? MarkdownPath { get; init; }

    /// <summary>The smoke-run sizes: about a minute on two cores.</summary>
    public static BenchSettings QuickDefaults { get; } = new()
    {
        Quick = true,
        Rounds = 2,
        LockstepCount = 10_000,
        LockstepWarmup = 2_000,
        PipelineCount = 200_000,
        ConcurrentDuration = TimeSpan.FromSeconds(3),
        StartupRuns = 3,
        Settle = TimeSpan.FromSeconds(1),
        IdleCpuWindow = TimeSpan.FromSeconds(5),
    };

    /// <summary>The full-run sizes: under ten minutes on two cores.</summary>
    public static BenchSettings FullDefaults { get; } = new();

    /// <summary>Measured requests of one lockstep run.</summary>
    public int LockstepPerRun => (LockstepCount + Rounds - 1) / Rounds;

    /// <summary>Unmeasured requests of one lockstep run.</summary>
    public int LockstepWarmupPerRun => Math.Max(500, LockstepWarmup / Rounds);

    /// <summary>Measured and unmeasured requests of one pipelined run at <paramref name="window"/>.</summary>
    public (int Count, int Warmup) PipelinePerRun(int window) =>
        window == 1 ? (LockstepPerRun, LockstepWarmupPerRun) : ((PipelineCount + Rounds - 1) / Rounds, Math.Max(1000, PipelineCount / Rounds / 10));
}
