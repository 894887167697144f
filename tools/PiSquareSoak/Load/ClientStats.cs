namespace IotSquares.Soak.Load;

/// <summary>One client loop's running totals: written by the loop, read by the sampler at any time.</summary>
internal sealed class ClientStats
{
    private long _exchanges;
    private long _squaresRequested;
    private long _squaresVerified;
    private long _errors;
    private long _reconnects;

    /// <summary>Creates the totals of one loop.</summary>
    public ClientStats(ClientProfile profile) => Profile = profile;

    /// <summary>How the loop speaks.</summary>
    public ClientProfile Profile { get; }

    /// <summary>Exchanges finished (each one connection, unless the client reconnected).</summary>
    public long Exchanges => Interlocked.Read(ref _exchanges);

    /// <summary>Integers asked for in finished exchanges.</summary>
    public long SquaresRequested => Interlocked.Read(ref _squaresRequested);

    /// <summary>Squares received and verified.</summary>
    public long SquaresVerified => Interlocked.Read(ref _squaresVerified);

    /// <summary>Exchanges that failed or verified fewer squares than they asked for.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Reconnects the client made inside exchanges (0 while retries are off).</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Adds one finished exchange.</summary>
    public void Add(long requested, long verified, bool failed, int reconnects)
    {
        Interlocked.Add(ref _squaresRequested, requested);
        Interlocked.Add(ref _squaresVerified, verified);
        Interlocked.Add(ref _reconnects, reconnects);
        if (failed)
        {
            Interlocked.Increment(ref _errors);
        }

        // Last, so a sampler never sees an exchange without its squares.
        Interlocked.Increment(ref _exchanges);
    }
}
