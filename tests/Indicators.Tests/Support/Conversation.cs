using IotSquares.Protocol;
using IotSquares.Protocol.Events;

namespace IotSquares.Indicators.Tests.Support;

/// <summary>Raises the events of a seed-style exchange on an observer, as the programs would.</summary>
internal static class Conversation
{
    public static readonly ConnectionInfo First = new(1, "127.0.0.1:50007");

    public static void Handshake(IExchangeObserver observer, ConnectionInfo connection)
    {
        observer.ConnectionOpened(connection);
        observer.HandshakeCompleted(connection, Dialect.Framed, 1);
    }

    public static void Squares(IExchangeObserver observer, ConnectionInfo connection, long from, long count, long servedBefore = 0)
    {
        for (long i = 0; i < count; i++)
        {
            long n = from + i;
            observer.SquareServed(connection, n, n * n, servedBefore + i + 1);
        }
    }

    public static void Goodbye(IExchangeObserver observer, ConnectionInfo connection, long count)
    {
        observer.GoodbyeSaid(connection, GoodbyeInitiator.Client, count);
        observer.ConnectionClosed(connection, CloseReason.ClientGoodbye, count);
    }
}
