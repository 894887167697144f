using System.Collections.Concurrent;
using System.Globalization;
using IotSquares.Protocol;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Integration.Tests.Support;

/// <summary>
/// Keeps every exchange event a server or client raises, for assertions. <see cref="Events"/> names a
/// connection by its id (unique in the whole process); <see cref="Numbered"/> by the order this recorder
/// saw it open (1, 2, …), so that expected texts do not depend on what other tests ran before.
/// Every batch of squares is checked on arrival: its count must be more than the last on its connection, and the
/// squares it stands for (the difference) are added up.
/// </summary>
public sealed class RecordingObserver : IExchangeObserver
{
    private readonly ConcurrentQueue<(long? Connection, string Text)> _events = new();
    private readonly ConcurrentQueue<(long Connection, ProtocolError Error)> _rejections = new();
    private readonly ConcurrentQueue<long> _opened = new();
    private readonly ConcurrentQueue<(long Connection, CloseReason Reason, long Count)> _closed = new();
    private readonly ConcurrentQueue<(string Value, string Square, long Position)> _squared = new();
    private readonly ConcurrentDictionary<long, int> _ordinals = new();
    private readonly ConcurrentDictionary<long, long> _lastCount = new();
    private readonly ConcurrentQueue<string> _countErrors = new();
    private long _squares;
    private int _lastOrdinal;

    public long SquaresServed => Interlocked.Read(ref _squares);

    public IReadOnlyCollection<string> Events => [.. _events.Select(static e => e.Connection is long id ? $"{id} {e.Text}" : e.Text)];

    /// <summary>The events with each connection named by the order it opened in, from 1.</summary>
    public IReadOnlyCollection<string> Numbered =>
        [.. _events.Select(e => e.Connection is long id ? $"{(_ordinals.TryGetValue(id, out int n) ? n.ToString(CultureInfo.InvariantCulture) : "unopened")} {e.Text}" : e.Text)];

    /// <summary>
    /// The latest value squared of each batch, with its square and its position among all the squares this recorder
    /// heard of (from 1, across connections), in the order the events came.
    /// </summary>
    public IReadOnlyCollection<(string Value, string Square, long Position)> Squared => _squared;

    public IReadOnlyCollection<(long Connection, ProtocolError Error)> Rejections => _rejections;

    /// <summary>The real id of every connection opened, in order.</summary>
    public IReadOnlyCollection<long> Opened => _opened;

    public IReadOnlyCollection<(long Connection, CloseReason Reason, long Count)> Closed => _closed;

    /// <summary>Squares whose count was not the last one on their connection plus one, or that came outside an open connection.</summary>
    public IReadOnlyCollection<string> CountErrors => _countErrors;

    public void Listening(string localEndPoint) => _events.Enqueue((null, $"listening {localEndPoint}"));

    public void Connecting(string remoteEndPoint, int attempt) => _events.Enqueue((null, $"connecting {remoteEndPoint} {attempt}"));

    public void Reconnecting(string reason, TimeSpan delay, int attempt, int maxAttempts, long unanswered) =>
        _events.Enqueue((null, $"reconnecting {attempt} of {maxAttempts}"));

    public void Stopping() => _events.Enqueue((null, "stopping"));

    public void Finished(bool succeeded, string summary) => _events.Enqueue((null, $"finished {succeeded}"));

    public void ConnectionOpened(ConnectionInfo connection)
    {
        int ordinal = Interlocked.Increment(ref _lastOrdinal);
        if (!_ordinals.TryAdd(connection.Id, ordinal))
        {
            _countErrors.Enqueue($"connection {connection.Id} opened twice");
        }

        _lastCount[connection.Id] = 0;
        _opened.Enqueue(connection.Id);
        _events.Enqueue((connection.Id, "opened"));
    }

    public void ServerGreeted(ConnectionInfo connection, string greeting) => _events.Enqueue((connection.Id, $"greeted {greeting}"));

    public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version) =>
        _events.Enqueue((connection.Id, $"handshake {dialect} {version}"));

    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        if (!_lastCount.TryGetValue(connection.Id, out long last) || count <= last)
        {
            _countErrors.Enqueue($"connection {connection.Id}: count {count} after {last}");
        }

        _lastCount[connection.Id] = count;
        long position = Interlocked.Add(ref _squares, Math.Max(0, count - last));
        _squared.Enqueue((value.ToString(), square.ToString(), position));
    }

    public void RequestRejected(ConnectionInfo connection, ProtocolError error)
    {
        _rejections.Enqueue((connection.Id, error));
        _events.Enqueue((connection.Id, $"rejected {(int)error.Code}"));
    }

    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) =>
        _events.Enqueue((connection.Id, $"goodbye {initiator} {count}"));

    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count)
    {
        if (!_lastCount.TryRemove(connection.Id, out long last) || last != count)
        {
            _countErrors.Enqueue($"connection {connection.Id}: closed with count {count} after {last} squares (or never opened)");
        }

        _closed.Enqueue((connection.Id, reason, count));
        _events.Enqueue((connection.Id, $"closed {reason} {count}"));
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
