using IotSquares.Protocol;

namespace IotSquares.Client.Exchange;

/// <summary>The running tally of one exchange, filled in as it goes so a failure still reports how far it got.</summary>
internal sealed class ExchangeProgress
{
    public Dialect Dialect { get; set; }

    public string? Greeting { get; set; }

    public long Verified { get; set; }

    public long Errors { get; set; }

    public long? ServerCount { get; set; }
}
