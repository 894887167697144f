namespace IotSquares.Client.Exchange;

/// <summary>
/// What only a client has to tell its user, beside the exchange events every observer gets:
/// the greeting as it arrived, and each reconnect attempt with its reason and delay.
/// </summary>
public interface IClientProgress
{
    /// <summary>The server's greeting, as received.</summary>
    void Greeting(string greeting)
    {
    }

    /// <summary>The connection failed; the client waits <paramref name="delay"/> and tries again.</summary>
    /// <param name="attempt">This retry's number since the last progress, from 1.</param>
    /// <param name="maxAttempts">How many retries are allowed without progress.</param>
    /// <param name="delay">The wait before connecting again.</param>
    /// <param name="reason">Why the last connection failed.</param>
    /// <param name="unanswered">How many requests still wait for an answer.</param>
    void Reconnecting(int attempt, int maxAttempts, TimeSpan delay, string reason, long unanswered)
    {
    }
}
