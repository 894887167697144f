namespace IotSquares.Server.Health;

/// <summary>
/// The pulse of one loop (the accept loop, one connection's loop): the loop says when it goes to wait
/// for the network and when it comes back with work. Waiting for a client, however long, is healthy;
/// working on one read for seconds is not: that loop is stuck (a deadlock, a runaway computation).
/// </summary>
internal sealed class LoopHeartbeat : IDisposable
{
    private readonly Heartbeats _owner;
    private long _busySince; // A timestamp of the owner's clock; 0 while waiting.

    internal LoopHeartbeat(Heartbeats owner, string name)
    {
        _owner = owner;
        Name = name;
    }

    /// <summary>What the loop is, for the log: "accept loop", "connection 7".</summary>
    public string Name { get; }

    /// <summary>The loop is about to wait for the network (accept, read, flush).</summary>
    public void Waiting() => Volatile.Write(ref _busySince, 0);

    /// <summary>The loop has work in hand: the clock runs until it waits again.</summary>
    public void Busy() => Volatile.Write(ref _busySince, Math.Max(1, _owner.Time.GetTimestamp()));

    /// <summary>How long the loop has been working on its current piece of work at <paramref name="now"/> (a timestamp of the owner's clock); zero while waiting.</summary>
    public TimeSpan BusyFor(long now)
    {
        long since = Volatile.Read(ref _busySince);
        return since == 0 ? TimeSpan.Zero : _owner.Time.GetElapsedTime(since, now);
    }

    /// <summary>The loop has ended: it no longer counts.</summary>
    public void Dispose() => _owner.Remove(this);
}
