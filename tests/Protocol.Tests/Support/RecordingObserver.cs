using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Tests.Support;

/// <summary>One observer call, as recorded.</summary>
internal abstract record ObservedEvent;

internal sealed record ListeningOn(string LocalEndPoint) : ObservedEvent;

internal sealed record ConnectingTo(string RemoteEndPoint, int Attempt) : ObservedEvent;

internal sealed record ReconnectingIn(string Reason, TimeSpan Delay, int Attempt, int MaxAttempts, long Unanswered) : ObservedEvent;

internal sealed record StoppingNow : ObservedEvent;

internal sealed record FinishedRun(bool Succeeded, string Summary) : ObservedEvent;

internal sealed record Opened(ConnectionInfo Connection) : ObservedEvent;

internal sealed record Greeted(ConnectionInfo Connection, string Greeting) : ObservedEvent;

internal sealed record Handshake(ConnectionInfo Connection, Dialect Dialect, int Version) : ObservedEvent;

internal sealed record Served(ConnectionInfo Connection, ProtocolInteger Value, ProtocolInteger Square, long Count) : ObservedEvent;

internal sealed record Rejected(ConnectionInfo Connection, ProtocolError Error) : ObservedEvent;

internal sealed record Goodbye(ConnectionInfo Connection, GoodbyeInitiator Initiator, long Count) : ObservedEvent;

internal sealed record Closed(ConnectionInfo Connection, CloseReason Reason, long Count) : ObservedEvent;

/// <summary>Remembers every call in order; safe to read while another thread records.</summary>
internal sealed class RecordingObserver : IExchangeObserver
{
    private readonly List<ObservedEvent> _events = [];

    /// <summary>A copy of the events so far.</summary>
    public IReadOnlyList<ObservedEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void Listening(string localEndPoint) => Add(new ListeningOn(localEndPoint));

    public void Connecting(string remoteEndPoint, int attempt) => Add(new ConnectingTo(remoteEndPoint, attempt));

    public void Reconnecting(string reason, TimeSpan delay, int attempt, int maxAttempts, long unanswered) =>
        Add(new ReconnectingIn(reason, delay, attempt, maxAttempts, unanswered));

    public void Stopping() => Add(new StoppingNow());

    public void Finished(bool succeeded, string summary) => Add(new FinishedRun(succeeded, summary));

    public void ConnectionOpened(ConnectionInfo connection) => Add(new Opened(connection));

    public void ServerGreeted(ConnectionInfo connection, string greeting) => Add(new Greeted(connection, greeting));

    public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version) =>
        Add(new Handshake(connection, dialect, version));

    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count) =>
        Add(new Served(connection, value, square, count));

    public void RequestRejected(ConnectionInfo connection, ProtocolError error) => Add(new Rejected(connection, error));

    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) =>
        Add(new Goodbye(connection, initiator, count));

    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count) =>
        Add(new Closed(connection, reason, count));

    private void Add(ObservedEvent observed)
    {
        lock (_events)
        {
            _events.Add(observed);
        }
    }
}

/// <summary>An observer that fails on every call, like a broken LED driver; the message names the event.</summary>
internal sealed class ThrowingObserver : IExchangeObserver
{
    public void Listening(string localEndPoint) => throw new InvalidOperationException("listening");

    public void Connecting(string remoteEndPoint, int attempt) => throw new InvalidOperationException("connecting");

    public void Reconnecting(string reason, TimeSpan delay, int attempt, int maxAttempts, long unanswered) =>
        throw new InvalidOperationException("reconnecting");

    public void Stopping() => throw new InvalidOperationException("stopping");

    public void Finished(bool succeeded, string summary) => throw new InvalidOperationException("finished");

    public void ConnectionOpened(ConnectionInfo connection) => throw new InvalidOperationException("opened");

    public void ServerGreeted(ConnectionInfo connection, string greeting) => throw new InvalidOperationException("greeted");

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
