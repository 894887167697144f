using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;
using IotSquares.TestKit;

namespace IotSquares.Server.Tests.Support;

/// <summary>The events of the one connection a <see cref="LoopRun"/> serves that its tests look at.</summary>
internal sealed class ConnectionEvents : IExchangeObserver
{
    private readonly List<ErrorCode> _rejected = [];
    private readonly List<SquareEvent> _squares = [];
    private readonly List<string> _order = [];

    /// <summary>How the connection ended, once it has.</summary>
    public (CloseReason Reason, long Count)? Closed { get; private set; }

    public IReadOnlyList<ErrorCode> Rejected => _rejected;

    /// <summary>Every <see cref="IExchangeObserver.SquareServed"/>, with what the peer could read at that moment.</summary>
    public IReadOnlyList<SquareEvent> Squares => _squares;

    /// <summary>The events in order, as short text: <c>served 3</c> (the count), <c>rejected 401</c>, <c>goodbye 3</c>, <c>closed 3</c>.</summary>
    public IReadOnlyList<string> Order => _order;

    /// <summary>
    /// The transport the loop writes to, looked at (never read) when a square is reported; set it only in a test
    /// that does not read the replies while the loop runs (a pipe takes one reader at a time).
    /// </summary>
    public InMemoryTransport? Transport { get; set; }

    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        // Called on the loop's own thread, between its writes: what is flushed is what the peer could read now.
        long unflushed = Transport?.Output.UnflushedBytes ?? -1;
        long readable = Transport?.PendingReplyBytes() ?? -1;
        _squares.Add(new SquareEvent(value.ToString(), square.ToString(), count, unflushed, readable));
        _order.Add($"served {count}");
    }

    public void RequestRejected(ConnectionInfo connection, ProtocolError error)
    {
        _rejected.Add(error.Code);
        _order.Add($"rejected {(int)error.Code}");
    }

    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) => _order.Add($"goodbye {count}");

    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count)
    {
        Closed = (reason, count);
        _order.Add($"closed {count}");
    }
}

/// <summary>One reported batch: its latest value and square, the count, and the reply bytes not yet flushed and already readable by the peer.</summary>
internal sealed record SquareEvent(string Value, string Square, long Count, long Unflushed, long Readable);
