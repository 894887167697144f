using System.Collections.Concurrent;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Server.Systemd;

/// <summary>
/// Counts the squares served by the whole server, for the status line. Registered as an exchange
/// observer only when a service manager listens, so that without one the hot path pays nothing.
/// </summary>
internal sealed class SquareTally : IExchangeObserver
{
    // One SquareServed stands for every square since the connection's previous one: its count minus the
    // count last seen (events/README.md). Each connection's entry is written by that connection's loop only.
    private readonly ConcurrentDictionary<long, long> _lastCount = new();
    private long _served;

    /// <summary>Squares served since start, on every connection.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <inheritdoc />
    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        long before = _lastCount.GetValueOrDefault(connection.Id);
        _lastCount[connection.Id] = count;
        Interlocked.Add(ref _served, Math.Max(0, count - before));
    }

    /// <inheritdoc />
    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count) => _lastCount.TryRemove(connection.Id, out _);
}
