using System.Collections.Concurrent;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Events;

/// <summary>
/// Puts a slow observer (an I2C display, a blinking LED) off the connection loop: each call is taken in
/// constant time, never blocks on the slow observer and never allocates for a square, and a loop of its
/// own delivers to it. Squares coalesce per connection (the newest value, square and count win);
/// discrete events keep their order in a bounded queue. What is dropped when it is full is described in
/// README.md beside this file, and counted in <see cref="Dropped"/>.
/// </summary>
public sealed class QueuedExchangeObserver : IExchangeObserver, IAsyncDisposable
{
    private readonly ExchangeObservers _inner;
    private readonly TimeProvider _time;
    private readonly QueuedObserverOptions _options;
    private readonly BoundedEventQueue _queue;
    private readonly ConcurrentDictionary<long, ConnectionSlot> _slots = new();
    private readonly WakeSignal _wake;
    private readonly Task _loopDone;
    private ConnectionSlot? _lastSlot; // The slot of the last square: a pipelined connection finds it without a lookup.
    private long _dropped;
    private volatile bool _completing;

    /// <summary>Creates the adapter and starts its delivery loop.</summary>
    /// <param name="inner">The slow observer.</param>
    /// <param name="timeProvider">The clock for the loop's pacing and the drain timeout.</param>
    /// <param name="options">The bounds; null for the defaults.</param>
    /// <param name="onFault">Told when <paramref name="inner"/> throws, as <see cref="ExchangeObservers"/> tells.</param>
    public QueuedExchangeObserver(IExchangeObserver inner, TimeProvider timeProvider, QueuedObserverOptions? options = null, ObserverFaultHandler? onFault = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options ?? new QueuedObserverOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Capacity, 2, nameof(options));
        _inner = new ExchangeObservers([inner], onFault ?? (static (_, _, _) => { }));
        _time = timeProvider;
        _queue = new BoundedEventQueue(_options.Capacity);
        _wake = new WakeSignal(timeProvider);

        // A thread of its own, not the thread pool's: a slow observer blocks (I2C, SPI).
        _loopDone = LoopThread.Start("exchange observer queue", Run);
    }

    /// <summary>Discrete events not delivered because the queue was full or the adapter was disposed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>How many calls of the slow observer have thrown.</summary>
    public long Faults => _inner.FaultsOf(0);

    /// <summary>Discrete events waiting now (never more than the capacity plus two).</summary>
    public int Queued => _queue.Count;

    /// <summary>Connections with a slot now: one per connection opened and not yet closed.</summary>
    public int Connections => _slots.Count;

    /// <inheritdoc />
    public void Listening(string localEndPoint) => Settle(_queue.TryAdd(new QueuedEvent(QueuedEventKind.Listening) { Text = localEndPoint }));

    /// <inheritdoc />
    public void Connecting(string remoteEndPoint, int attempt) =>
        Settle(_queue.TryAdd(new QueuedEvent(QueuedEventKind.Connecting) { Text = remoteEndPoint, Attempt = attempt }));

    /// <inheritdoc />
    public void Reconnecting(string reason, TimeSpan delay, int attempt, int maxAttempts, long unanswered) =>
        Settle(_queue.TryAdd(new QueuedEvent(QueuedEventKind.Reconnecting) { Text = reason, Delay = delay, Attempt = attempt, MaxAttempts = maxAttempts, Number = unanswered }));

    /// <inheritdoc />
    public void Stopping() => Settle(_queue.TryAdd(new QueuedEvent(QueuedEventKind.Stopping), BoundedEventQueue.LifecycleReserve));

    /// <inheritdoc />
    public void Finished(bool succeeded, string summary) =>
        Settle(_queue.TryAdd(new QueuedEvent(QueuedEventKind.Finished) { Flag = succeeded, Text = summary }, BoundedEventQueue.LifecycleReserve));

    /// <inheritdoc />
    public void ConnectionOpened(ConnectionInfo connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var slot = new ConnectionSlot(connection, admitted: true);
        bool admitted = _queue.TryOpen(new QueuedEvent(QueuedEventKind.Opened) { Slot = slot });
        _slots[connection.Id] = admitted ? slot : new ConnectionSlot(connection, admitted: false);
        Settle(admitted);
    }

    /// <inheritdoc />
    public void ServerGreeted(ConnectionInfo connection, string greeting) =>
        EnqueueFor(connection, new QueuedEvent(QueuedEventKind.Greeted) { Text = greeting });

    /// <inheritdoc />
    public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version) =>
        EnqueueFor(connection, new QueuedEvent(QueuedEventKind.Handshake) { Dialect = dialect, Attempt = version });

    /// <inheritdoc />
    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ConnectionSlot? last = _lastSlot;
        ConnectionSlot slot = last is not null && ReferenceEquals(last.Connection, connection) ? last : (_lastSlot = SlotOf(connection));
        if (slot.Admitted && !_completing)
        {
            slot.Set(value, square, count);
            Signal();
        }
    }

    /// <inheritdoc />
    public void RequestRejected(ConnectionInfo connection, ProtocolError error) =>
        EnqueueFor(connection, new QueuedEvent(QueuedEventKind.Rejected) { Error = error });

    /// <inheritdoc />
    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) =>
        EnqueueFor(connection, new QueuedEvent(QueuedEventKind.Goodbye) { Initiator = initiator, Number = count });

    /// <inheritdoc />
    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count)
    {
        ArgumentNullException.ThrowIfNull(connection);

        // The connection says nothing more: its slot leaves the map now and travels with the event.
        ConnectionSlot slot = _slots.TryRemove(connection.Id, out ConnectionSlot? known) ? known : new ConnectionSlot(connection, admitted: true);
        Interlocked.CompareExchange(ref _lastSlot, null, slot);
        Settle(slot.Admitted && _queue.TryClose(new QueuedEvent(QueuedEventKind.Closed) { Slot = slot, Reason = reason, Number = count }));
    }

    /// <summary>Delivers what is queued (waiting at most the drain timeout), then stops the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_completing)
        {
            return;
        }

        _completing = true;
        _queue.Close();
        _wake.Close();
        try
        {
            await _loopDone.WaitAsync(_options.DrainTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The slow observer is stuck: what it did not take is counted as dropped; its loop ends on its own.
            Interlocked.Add(ref _dropped, _queue.Clear());
        }
    }

    private ConnectionSlot SlotOf(ConnectionInfo connection) =>
        _slots.TryGetValue(connection.Id, out ConnectionSlot? slot)
            ? slot
            : _slots.GetOrAdd(connection.Id, static (_, c) => new ConnectionSlot(c, admitted: true), connection);

    private void EnqueueFor(ConnectionInfo connection, in QueuedEvent queued)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ConnectionSlot slot = SlotOf(connection);
        Settle(slot.Admitted && _queue.TryAdd(queued with { Slot = slot }));
    }

    private void Settle(bool queued)
    {
        if (queued)
        {
            Signal();
        }
        else
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    // At most one wake-up per round of the loop, however many calls arrive: the first raises the signal (a short
    // lock), the rest only read it; and no wake-up at all while the loop is busy with the slow observer or pacing
    // itself: it finds the raise when it next waits.
    private void Signal() => _wake.Raise();

    private void Run()
    {
        while (true)
        {
            _wake.WaitRaised(until: null);
            DeliverPending();
            if (_completing)
            {
                DeliverPending();
                _wake.Dispose();
                return;
            }

            // Squares arriving meanwhile coalesce; discrete events wait in the queue. Disposing ends the sleep at
            // once, and the loop goes round once more to deliver what is left.
            _wake.SleepUntil(_time.GetUtcNow() + _options.MinimumInterval);
        }
    }

    private void DeliverPending()
    {
        while (_queue.TryTake(out QueuedEvent next))
        {
            // A square taken before a rejection, a goodbye or a close is delivered before it, keeping the order.
            if (next.Kind is QueuedEventKind.Rejected or QueuedEventKind.Goodbye or QueuedEventKind.Closed)
            {
                DeliverSquare(next.Slot!);
            }

            next.DeliverTo(_inner);
        }

        // The squares of connections with nothing queued: one call each, the newest.
        foreach (KeyValuePair<long, ConnectionSlot> pair in _slots)
        {
            if (!_queue.HasWaiting(pair.Value))
            {
                DeliverSquare(pair.Value);
            }
        }
    }

    private void DeliverSquare(ConnectionSlot slot)
    {
        if (slot.Admitted && slot.TryTake(out ProtocolInteger value, out ProtocolInteger square, out long count))
        {
            _inner.SquareServed(slot.Connection, value, square, count);
        }
    }
}
