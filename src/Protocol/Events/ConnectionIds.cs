namespace IotSquares.Protocol.Events;

/// <summary>
/// Hands out <see cref="ConnectionInfo.Id"/>: one counter for the whole process, shared by the server
/// and the client, so an id never repeats (not per run, not per reconnect, not per listener).
/// </summary>
public static class ConnectionIds
{
    private static long _last;

    /// <summary>The next id, from 1.</summary>
    public static long Next() => Interlocked.Increment(ref _last);
}
