using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Events;

/// <summary>
/// Receives what happens in an exchange, on either side: the hook for logs, LEDs and displays.
/// Calls come synchronously from the connection loop, so an implementation must return quickly
/// (queue the work, never block on hardware); every method has an empty default.
/// </summary>
public interface IExchangeObserver
{
    /// <summary>A connection was made (accepted by the server, or opened by the client).</summary>
    void ConnectionOpened(ConnectionInfo connection)
    {
    }

    /// <summary>The greeting was exchanged; <paramref name="version"/> is 0 for the textbook dialect.</summary>
    void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version)
    {
    }

    /// <summary>A square was sent (server) or received and verified (client).</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="value">The integer that was squared.</param>
    /// <param name="square">Its square.</param>
    /// <param name="count">How many squares this connection has now served.</param>
    void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
    }

    /// <summary>A request was answered with an error (server), or an error reply arrived (client).</summary>
    void RequestRejected(ConnectionInfo connection, ProtocolError error)
    {
    }

    /// <summary>A goodbye was exchanged; <paramref name="count"/> is the squares the server counted.</summary>
    void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count)
    {
    }

    /// <summary>The connection ended; <paramref name="count"/> squares were served on it.</summary>
    void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count)
    {
    }
}
