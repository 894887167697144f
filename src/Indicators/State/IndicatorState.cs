namespace IotSquares.Indicators.State;

/// <summary>
/// Everything the LEDs and the display show, as one immutable snapshot folded from the exchange events.
/// Renderers read the latest snapshot; nothing here refers to hardware.
/// </summary>
public sealed record IndicatorState
{
    /// <summary>Server or client.</summary>
    public IndicatorRole Role { get; init; }

    /// <summary>The listening address (server) or the server's address (client), as <c>address:port</c>.</summary>
    public string Endpoint { get; init; } = "";

    /// <summary>Waiting, greeting, ready or goodbye.</summary>
    public HandshakeStage Stage { get; init; }

    /// <summary>The dialect of the latest handshake, with its version (<c>framed/1</c>, <c>textbook</c>), or empty.</summary>
    public string Dialect { get; init; } = "";

    /// <summary>Open connections (server: clients; client: 0 or 1).</summary>
    public int Connections { get; init; }

    /// <summary>The latest integer squared, in decimal, or empty before the first square.</summary>
    public string LatestValue { get; init; } = "";

    /// <summary>The latest square, in decimal, or empty before the first square.</summary>
    public string LatestSquare { get; init; } = "";

    /// <summary>Squares served (server, every connection) or verified (client, the whole run).</summary>
    public long Count { get; init; }

    /// <summary>Squares a second over the last full second.</summary>
    public double Rate { get; init; }

    /// <summary>Refused requests and failed connections.</summary>
    public long Errors { get; init; }

    /// <summary>Client: waiting to connect again after a lost connection.</summary>
    public bool Reconnecting { get; init; }

    /// <summary>Client: the retry that is waited for, from 1 (0 when not reconnecting).</summary>
    public int ReconnectAttempt { get; init; }

    /// <summary>Server: stopping (SIGTERM); client: never.</summary>
    public bool Stopping { get; init; }

    /// <summary>The program's work is over (<see cref="Succeeded"/> tells how).</summary>
    public bool Finished { get; init; }

    /// <summary>With <see cref="Finished"/>: every square verified (client) or a clean drain (server).</summary>
    public bool Succeeded { get; init; }

    /// <summary>When the latest error happened, for the held error LED.</summary>
    public DateTimeOffset? LastErrorAt { get; init; }

    /// <summary>When the stage last changed, for patterns that time out (goodbye back to waiting).</summary>
    public DateTimeOffset StageSince { get; init; }

    /// <summary>Counts up on every change, so a renderer can tell a new snapshot from the one it drew.</summary>
    public long Version { get; init; }
}
