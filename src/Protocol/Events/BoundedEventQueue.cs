namespace IotSquares.Protocol.Events;

/// <summary>
/// The discrete events of a <see cref="QueuedExchangeObserver"/>, in order, never more than the
/// capacity plus <see cref="LifecycleReserve"/>. A connection is let in whole or not at all: its
/// ConnectionOpened is queued only with room reserved for its ConnectionClosed, so what the slow
/// observer sees stays balanced however full the queue gets. The array is allocated once.
/// </summary>
internal sealed class BoundedEventQueue
{
    /// <summary>Room beyond the capacity, kept for Stopping and Finished.</summary>
    public const int LifecycleReserve = 2;

    private readonly Lock _gate = new();
    private readonly Queue<QueuedEvent> _queue;
    private readonly int _capacity;
    private int _reservedCloses;
    private bool _closed;

    public BoundedEventQueue(int capacity)
    {
        _capacity = capacity;
        _queue = new Queue<QueuedEvent>(capacity + LifecycleReserve);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues a connection's opening with room reserved for its close; false when there is no room for both.</summary>
    public bool TryOpen(in QueuedEvent opened)
    {
        lock (_gate)
        {
            if (_closed || _queue.Count + _reservedCloses + 2 > _capacity)
            {
                return false;
            }

            _reservedCloses++;
            opened.Slot!.HasReservedClose = true;
            Add(opened);
            return true;
        }
    }

    /// <summary>Queues a connection's close into the room its opening reserved (or free room, for one never seen opening).</summary>
    public bool TryClose(in QueuedEvent closed)
    {
        lock (_gate)
        {
            ConnectionSlot slot = closed.Slot!;
            bool reserved = slot.HasReservedClose;
            if (reserved)
            {
                slot.HasReservedClose = false;
                _reservedCloses--;
            }

            if (_closed || (!reserved && _queue.Count + _reservedCloses >= _capacity))
            {
                return false;
            }

            Add(closed);
            return true;
        }
    }

    /// <summary>Queues any other event into free room; <paramref name="extraRoom"/> lets Stopping and Finished use the reserve.</summary>
    public bool TryAdd(in QueuedEvent queued, int extraRoom = 0)
    {
        lock (_gate)
        {
            if (_closed || _queue.Count + _reservedCloses >= _capacity + extraRoom)
            {
                return false;
            }

            Add(queued);
            return true;
        }
    }

    public bool TryTake(out QueuedEvent next)
    {
        lock (_gate)
        {
            if (!_queue.TryDequeue(out next))
            {
                return false;
            }

            if (next.Slot is { } slot)
            {
                slot.Waiting--;
            }

            return true;
        }
    }

    /// <summary>True while some of the connection's events wait in the queue: its square must not overtake them.</summary>
    public bool HasWaiting(ConnectionSlot slot)
    {
        lock (_gate)
        {
            return slot.Waiting > 0;
        }
    }

    /// <summary>Takes no more events.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }

    /// <summary>Forgets what is queued; returns how many events that was.</summary>
    public int Clear()
    {
        lock (_gate)
        {
            int count = _queue.Count;
            _queue.Clear();
            return count;
        }
    }

    private void Add(in QueuedEvent queued)
    {
        if (queued.Slot is { } slot)
        {
            slot.Waiting++;
        }

        _queue.Enqueue(queued);
    }
}
