using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Tests.Support;

/// <summary>One observer call, as recorded.</summary>
internal abstract record ObservedEvent;

internal sealed record Opened(ConnectionInfo Connection) : ObservedEvent;

internal sealed record Handshake(ConnectionInfo Connection, Dialect Dialect, int Version) : ObservedEvent;

internal sealed record Served(ConnectionInfo Connection, ProtocolInteger Value, ProtocolInteger Square, long Count) : ObservedEvent;

internal sealed record Rejected(ConnectionInfo Connection, ProtocolError Error) : ObservedEvent;

internal sealed record Goodbye(ConnectionInfo Connection, GoodbyeInitiator Initiator, long Count) : ObservedEvent;

internal sealed record Closed(ConnectionInfo Connection, CloseReason Reason, long Count) : ObservedEvent;

/// <summary>Remembers every call in order.</summary>
internal sealed class RecordingObserver : IExchangeObserver
{
    private readonly List<ObservedEvent> _events = [];

    public IReadOnlyList<ObservedEvent> Events => _events;

    public void ConnectionOpened(ConnectionInfo connection) => _events.Add(new Opened(connection));

    public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version) =>
        _events.Add(new Handshake(connection, dialect, version));

    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count) =>
        _events.Add(new Served(connection, value, square, count));

    public void RequestRejected(ConnectionInfo connection, ProtocolError error) => _events.Add(new Rejected(connection, error));

    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) =>
        _events.Add(new Goodbye(connection, initiator, count));

    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count) =>
        _events.Add(new Closed(connection, reason, count));
}

/// <summary>An observer that fails on every call, like a broken LED driver.</summary>
internal sealed class ThrowingObserver : IExchangeObserver
{
    public void ConnectionOpened(ConnectionInfo connection) => throw new InvalidOperationException("opened");

    public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version) =>
        throw new InvalidOperationException("handshake");

    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count) =>
        throw new InvalidOperationException("served");

    public void RequestRejected(ConnectionInfo connection, ProtocolError error) => throw new InvalidOperationException("rejected");

    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) =>
        throw new InvalidOperationException("goodbye");

    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count) =>
        throw new InvalidOperationException("closed");
}
