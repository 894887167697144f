namespace IotSquares.Client.Exchange;

/// <summary>
/// When and how often to reconnect: exponential backoff with jitter, bounded by a count of
/// retries without progress. Jitter keeps many clients that lost the same server from all
/// knocking again at the same instant when it comes back.
/// </summary>
/// <param name="MaxRetries">Reconnects allowed in a row without a single new answer; 0 never reconnects.</param>
/// <param name="InitialDelay">The wait before the first retry.</param>
/// <param name="MaxDelay">The longest wait between retries.</param>
public sealed record RetryPolicy(int MaxRetries, TimeSpan InitialDelay, TimeSpan MaxDelay)
{
    /// <summary>5 retries from 0.2 s, doubling up to 5 s: rides out a server restart on a Pi.</summary>
    public static RetryPolicy Default { get; } = new(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));

    /// <summary>Never reconnect.</summary>
    public static RetryPolicy None { get; } = new(0, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>
    /// The wait before retry number <paramref name="attempt"/> (from 1): the capped exponential delay,
    /// scaled by a random factor in [0.5, 1) ("equal jitter").
    /// </summary>
    public TimeSpan DelayFor(int attempt, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double exponential = InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1));
        double capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (random.NextDouble() / 2)));
    }
}
