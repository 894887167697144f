using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Events;

/// <summary>
/// Receives what happens in an exchange, on either side: the hook for logs, LEDs and displays.
/// Every event means the same on the server and the client (see README.md beside this file for
/// the table); squares are reported once per batch. Calls come synchronously from the connection loop, so an implementation must
/// return quickly; anything slow (an I2C display, a blinking LED) goes behind a
/// <see cref="QueuedExchangeObserver"/>, which calls it from a loop of its own. Every method has
/// an empty default.
/// </summary>
public interface IExchangeObserver
{
    /// <summary>Server: the listening socket is bound and accepting on <paramref name="localEndPoint"/>.</summary>
    void Listening(string localEndPoint)
    {
    }

    /// <summary>
    /// Client: a connection to <paramref name="remoteEndPoint"/> (host:port as given) is being attempted.
    /// <paramref name="attempt"/> is 1 for the first connection of a run; after
    /// <see cref="Reconnecting"/> with attempt <c>k</c> it is <c>k + 1</c>.
    /// </summary>
    void Connecting(string remoteEndPoint, int attempt)
    {
    }

    /// <summary>Client: the connection failed or was lost; it waits <paramref name="delay"/> and connects again.</summary>
    /// <param name="reason">Why the last attempt failed, one line.</param>
    /// <param name="delay">The wait before the next attempt.</param>
    /// <param name="attempt">This retry's number since the last progress, from 1.</param>
    /// <param name="maxAttempts">How many retries are allowed without progress.</param>
    /// <param name="unanswered">How many requests still wait for an answer.</param>
    void Reconnecting(string reason, TimeSpan delay, int attempt, int maxAttempts, long unanswered)
    {
    }

    /// <summary>Server: a stop was asked for (SIGTERM, Ctrl+C); open connections are drained and told goodbye.</summary>
    void Stopping()
    {
    }

    /// <summary>
    /// The program's work is over. Client: the run ended, <paramref name="succeeded"/> when every square was
    /// verified. Server: the drain after <see cref="Stopping"/> is done. <paramref name="summary"/> is one line.
    /// </summary>
    void Finished(bool succeeded, string summary)
    {
    }

    /// <summary>A connection was made (accepted by the server, or opened by the client).</summary>
    void ConnectionOpened(ConnectionInfo connection)
    {
    }

    /// <summary>
    /// The server's greeting line as the server sent it and the client received it (the same text on
    /// both sides, without its line end): <c>Hello. Nice to see you.</c> or <c>WELCOME squares/1 …</c>.
    /// Raised just before <see cref="HandshakeCompleted"/>.
    /// </summary>
    void ServerGreeted(ConnectionInfo connection, string greeting)
    {
    }

    /// <summary>The greeting was exchanged; <paramref name="version"/> is 0 for the textbook dialect.</summary>
    void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version)
    {
    }

    /// <summary>
    /// Squares were sent and flushed (server) or received and verified (client): raised once per batch, not once
    /// per square. It stands for every square since the connection's previous <see cref="SquareServed"/> (or its
    /// <see cref="ConnectionOpened"/>): <paramref name="count"/> minus the previous count (README.md beside this file).
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="value">The latest integer that was squared.</param>
    /// <param name="square">Its square.</param>
    /// <param name="count">How many squares this connection has now served (from 1 on each connection, on both sides).</param>
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

    /// <summary>
    /// The connection ended; <paramref name="count"/> squares were served on it. Raised exactly once for
    /// every <see cref="ConnectionOpened"/>, and never without one.
    /// </summary>
    void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count)
    {
    }
}
