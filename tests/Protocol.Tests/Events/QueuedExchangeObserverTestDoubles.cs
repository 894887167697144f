using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Events;

// The observers QueuedExchangeObserverTests puts behind the queue adapter.

/// <summary>Records every call, but each call waits for the gate: a display that takes as long as the test likes.</summary>
internal sealed class GatedObserver(bool onlySquares = false) : IExchangeObserver
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly RecordingObserver _recorder = new();
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _blocked;

    public bool Blocked => _blocked;

    public IReadOnlyList<ObservedEvent> Events => _recorder.Events;

    public void Open() => _gate.TrySetResult();

    public void Listening(string localEndPoint) => Pass(() => _recorder.Listening(localEndPoint));

    public void Stopping() => Pass(_recorder.Stopping);

    public void Finished(bool succeeded, string summary) => Pass(() => _recorder.Finished(succeeded, summary));

    public void ConnectionOpened(ConnectionInfo connection) => Pass(() => _recorder.ConnectionOpened(connection));

    public void ServerGreeted(ConnectionInfo connection, string greeting) => Pass(() => _recorder.ServerGreeted(connection, greeting));

    public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version) =>
        Pass(() => _recorder.HandshakeCompleted(connection, dialect, version));

    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        (ProtocolInteger v, ProtocolInteger s) = (value, square);
        Pass(() => _recorder.SquareServed(connection, v, s, count), isSquare: true);
    }

    public void RequestRejected(ConnectionInfo connection, ProtocolError error) => Pass(() => _recorder.RequestRejected(connection, error));

    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) =>
        Pass(() => _recorder.GoodbyeSaid(connection, initiator, count));

    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count) =>
        Pass(() => _recorder.ConnectionClosed(connection, reason, count));

    private void Pass(Action record, bool isSquare = false)
    {
        if (onlySquares && !isSquare)
        {
            record();
            return;
        }

        _blocked = true;
        Assert.True(_gate.Task.Wait(Deadline), "the test never opened the gate");
        _blocked = false;
        record();
    }
}

/// <summary>Passes every call on to a recorder except squares, on which it throws: an unplugged display.</summary>
internal sealed class ThrowingOnSquares(RecordingObserver recorder) : IExchangeObserver
{
    public void Finished(bool succeeded, string summary) => recorder.Finished(succeeded, summary);

    public void ConnectionOpened(ConnectionInfo connection) => recorder.ConnectionOpened(connection);

    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count) =>
        throw new InvalidOperationException("the display is unplugged");

    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count) => recorder.ConnectionClosed(connection, reason, count);
}
