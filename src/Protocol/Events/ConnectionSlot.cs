using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Events;

/// <summary>
/// One connection's state in a <see cref="QueuedExchangeObserver"/>: its newest square, overwritten by
/// every later one until the delivery loop takes it. One writer (the connection's loop), one reader
/// (the delivery loop); the lock is held only to copy a few fields, never while an observer runs.
/// </summary>
internal sealed class ConnectionSlot
{
    private readonly Lock _gate = new();
    private ProtocolInteger _value;
    private ProtocolInteger _square;
    private long _count;
    private bool _pending;

    public ConnectionSlot(ConnectionInfo connection, bool admitted)
    {
        Connection = connection;
        Admitted = admitted;
    }

    public ConnectionInfo Connection { get; }

    /// <summary>False when the connection found the queue full: none of its events are delivered.</summary>
    public bool Admitted { get; }

    /// <summary>
    /// This connection's events in the queue, not yet delivered (changed under the queue's lock). Its
    /// square is delivered on its own only when this is 0, so it never overtakes the opened or the handshake.
    /// </summary>
    public int Waiting { get; set; }

    /// <summary>True from the queued opening until the close uses the room reserved for it (changed under the queue's lock).</summary>
    public bool HasReservedClose { get; set; }

    /// <summary>Keeps the newest square (latest state wins).</summary>
    public void Set(in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        lock (_gate)
        {
            _value = value;
            _square = square;
            _count = count;
            _pending = true;
        }
    }

    /// <summary>Takes the newest square if one arrived since the last take.</summary>
    public bool TryTake(out ProtocolInteger value, out ProtocolInteger square, out long count)
    {
        lock (_gate)
        {
            value = _value;
            square = _square;
            count = _count;
            bool pending = _pending;
            _pending = false;
            return pending;
        }
    }
}
