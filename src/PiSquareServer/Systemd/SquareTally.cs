using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Server.Systemd;

/// <summary>
/// Counts the squares served by the whole server, for the status line. Registered as an exchange
/// observer only when a service manager listens, so that without one the hot path pays nothing.
/// </summary>
internal sealed class SquareTally : IExchangeObserver
{
    private long _served;

    /// <summary>Squares served since start, on every connection.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <inheritdoc />
    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count) =>
        Interlocked.Increment(ref _served);
}
