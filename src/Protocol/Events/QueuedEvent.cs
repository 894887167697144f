using IotSquares.Protocol.Errors;

namespace IotSquares.Protocol.Events;

/// <summary>Which call a <see cref="QueuedEvent"/> stands for.</summary>
internal enum QueuedEventKind
{
    Listening,
    Connecting,
    Reconnecting,
    Stopping,
    Finished,
    Opened,
    Greeted,
    Handshake,
    Rejected,
    Goodbye,
    Closed,
}

/// <summary>
/// One discrete observer call, waiting in <see cref="QueuedExchangeObserver"/>'s queue. A struct with
/// room for every member's arguments, so queueing one copies it into a preallocated array.
/// </summary>
internal readonly record struct QueuedEvent(QueuedEventKind Kind)
{
    /// <summary>The connection's coalescing slot, for connection events.</summary>
    public ConnectionSlot? Slot { get; init; }

    public string? Text { get; init; }

    public long Number { get; init; }

    public int Attempt { get; init; }

    public int MaxAttempts { get; init; }

    public TimeSpan Delay { get; init; }

    public bool Flag { get; init; }

    public ProtocolError Error { get; init; }

    public Dialect Dialect { get; init; }

    public GoodbyeInitiator Initiator { get; init; }

    public CloseReason Reason { get; init; }

    /// <summary>Makes the call on <paramref name="observer"/>.</summary>
    public void DeliverTo(IExchangeObserver observer)
    {
        ConnectionInfo connection = Slot?.Connection!;
        switch (Kind)
        {
            case QueuedEventKind.Listening: observer.Listening(Text!); break;
            case QueuedEventKind.Connecting: observer.Connecting(Text!, Attempt); break;
            case QueuedEventKind.Reconnecting: observer.Reconnecting(Text!, Delay, Attempt, MaxAttempts, Number); break;
            case QueuedEventKind.Stopping: observer.Stopping(); break;
            case QueuedEventKind.Finished: observer.Finished(Flag, Text!); break;
            case QueuedEventKind.Opened: observer.ConnectionOpened(connection); break;
            case QueuedEventKind.Greeted: observer.ServerGreeted(connection, Text!); break;
            case QueuedEventKind.Handshake: observer.HandshakeCompleted(connection, Dialect, Attempt); break;
            case QueuedEventKind.Rejected: observer.RequestRejected(connection, Error); break;
            case QueuedEventKind.Goodbye: observer.GoodbyeSaid(connection, Initiator, Number); break;
            case QueuedEventKind.Closed: observer.ConnectionClosed(connection, Reason, Number); break;
        }
    }
}
