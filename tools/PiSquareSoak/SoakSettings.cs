namespace IotSquares.Soak;

/// <summary>What one soak run does.</summary>
internal sealed record SoakSettings
{
    /// <summary>The longest run allowed: one day.</summary>
    public const double MaxMinutes = 24 * 60;

    /// <summary>Client loops running at once.</summary>
    public int Clients { get; init; } = 16;

    /// <summary>How long the clients keep starting exchanges.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Squares per second across all clients; 0 is unthrottled.</summary>
    public double Rate { get; init; } = 2000;

    /// <summary>Time between two rows of the table.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The server to start (PiSquareServer.dll); null finds the one built with the tool.</summary>
    public string? ServerPath { get; init; }

    /// <summary>The host of a server that is already running (with <see cref="Port"/>).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port of a server that is already running; null starts one.</summary>
    public int? Port { get; init; }

    /// <summary>The process id of the already running server, for its memory and CPU; null samples nothing.</summary>
    public int? ServerPid { get; init; }

    /// <summary>Where to write the result as JSON, if anywhere.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Where to write the result as Markdown, if anywhere.</summary>
    public string? MarkdownPath { get; init; }

    /// <summary>Where to copy the started server's log, if anywhere.</summary>
    public string? ServerLogPath { get; init; }

    /// <summary>Seeds every client's choice of exchanges, so a run can be repeated.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>True when soaking a server that is already running.</summary>
    public bool External => Port is not null;
}
