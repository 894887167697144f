using System.Collections.Concurrent;
using IotSquares.Protocol;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Integration.Tests.Support;

/// <summary>Keeps every exchange event a server or client raises, for assertions.</summary>
public sealed class RecordingObserver : IExchangeObserver
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ConcurrentQueue<(long Connection, ProtocolError Error)> _rejections = new();
    private readonly ConcurrentQueue<(long Connection, CloseReason Reason, long Count)> _closed = new();
    private readonly ConcurrentQueue<(string Value, string Square)> _squared = new();
    private long _squares;

    public long SquaresServed => Interlocked.Read(ref _squares);

    public IReadOnlyCollection<string> Events => _events;

    /// <summary>Every value squared, with its square, in the order the events came.</summary>
    public IReadOnlyCollection<(string Value, string Square)> Squared => _squared;

    public IReadOnlyCollection<(long Connection, ProtocolError Error)> Rejections => _rejections;

    public IReadOnlyCollection<(long Connection, CloseReason Reason, long Count)> Closed => _closed;

    public void ConnectionOpened(ConnectionInfo connection) => _events.Enqueue($"{connection.Id} opened");

    public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version) =>
        _events.Enqueue($"{connection.Id} handshake {dialect} {version}");

    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        _squared.Enqueue((value.ToString(), square.ToString()));
        Interlocked.Increment(ref _squares);
    }

    public void RequestRejected(ConnectionInfo connection, ProtocolError error)
    {
        _rejections.Enqueue((connection.Id, error));
        _events.Enqueue($"{connection.Id} rejected {(int)error.Code}");
    }

    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) =>
        _events.Enqueue($"{connection.Id} goodbye {initiator} {count}");

    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count)
    {
        _closed.Enqueue((connection.Id, reason, count));
        _events.Enqueue($"{connection.Id} closed {reason} {count}");
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; false if it never did.</summary>
    public async Task<bool> WaitUntilAsync(Func<RecordingObserver, bool> condition, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}
