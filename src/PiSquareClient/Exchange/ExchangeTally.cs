using IotSquares.Protocol;

namespace IotSquares.Client.Exchange;

/// <summary>
/// The client's running tally of a whole run, across reconnects, filled in as it goes so a failure
/// still reports how far it got. Internal bookkeeping; observers get events instead.
/// </summary>
internal sealed class ExchangeTally
{
    public Dialect Dialect { get; set; }

    public string? Greeting { get; set; }

    public long Verified { get; set; }

    /// <summary>The index of the first request not yet answered (by a square or a 4xx refusal): where a new connection resumes.</summary>
    public long Answered { get; set; }

    /// <summary>Connections tried, made or not.</summary>
    public int Attempts { get; set; }

    /// <summary>Connections made: reconnects are the ones after the first.</summary>
    public int Connections { get; set; }

    public string? Warning { get; set; }

    public long Errors { get; set; }

    public long? ServerCount { get; set; }
}
