using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Fuzz;

/// <summary>Counts what a session reports, to compare with what it wrote.</summary>
internal sealed class CountingObserver : IExchangeObserver
{
    public long Squares { get; private set; }

    public int Rejections { get; private set; }

    public void ConnectionOpened(ConnectionInfo connection)
    {
    }

    public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version)
    {
    }

    // One event stands for every square since the last (its count minus the last count); counts only grow.
    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        if (count <= Squares)
        {
            throw new InvalidOperationException($"SquareServed with count {count} after {Squares}");
        }

        Squares = count;
    }

    public void RequestRejected(ConnectionInfo connection, ProtocolError error) => Rejections++;

    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count)
    {
    }

    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count)
    {
    }
}
