using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Events;

/// <summary>
/// The squares one connection has answered (server) or verified (client), and the latest of them, so that its
/// observers hear of a whole batch in one <see cref="IExchangeObserver.SquareServed"/> (src/Protocol/Events/README.md,
/// "One SquareServed per batch"). Both programs count and report through this one piece, so the event means
/// the same on both sides.
/// </summary>
public sealed class SquareBatch
{
    private readonly ConnectionInfo _connection;
    private long _reported;
    private ProtocolInteger _latestValue;
    private ProtocolInteger _latestSquare;

    /// <summary>Creates the count of <paramref name="connection"/>'s squares, at zero.</summary>
    public SquareBatch(ConnectionInfo connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
    }

    /// <summary>The squares of this connection so far: the count the next event carries.</summary>
    public long Count { get; private set; }

    /// <summary>Counts <paramref name="squares"/> squares, the last of them <paramref name="value"/> squared; tells nobody yet.</summary>
    public void Add(in ProtocolInteger value, in ProtocolInteger square, long squares = 1)
    {
        Count += squares;
        _latestValue = value;
        _latestSquare = square;
    }

    /// <summary>
    /// Tells <paramref name="observer"/>, in one <see cref="IExchangeObserver.SquareServed"/>, of the squares counted
    /// since the last report (the latest value and square, the connection's count); nothing when there are none.
    /// Called after each batch, and before any later event of the connection, which keeps the order.
    /// </summary>
    public void Report(IExchangeObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (Count > _reported)
        {
            _reported = Count;
            observer.SquareServed(_connection, _latestValue, _latestSquare, Count);
        }
    }
}
