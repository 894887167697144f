using IotSquares.CommandLine;
using IotSquares.Protocol;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;
using Microsoft.Extensions.Logging;

namespace IotSquares.Server.Logging;

/// <summary>
/// Writes the exchange to the log (the journal, under systemd). At Information one line per connection,
/// when it closes, with the remote address, the reason and the squares served; refused requests once
/// each. At Debug also its opening, handshake and goodbye, and each batch of replies by its latest
/// square (the textbook's "Server heard" line; every square in lockstep). docs/SYSTEMD.md explains the levels the unit uses and why.
/// </summary>
public sealed partial class LoggingExchangeObserver : IExchangeObserver
{
    private readonly ILogger<LoggingExchangeObserver> _logger;

    /// <summary>Creates the observer.</summary>
    public LoggingExchangeObserver(ILogger<LoggingExchangeObserver> logger) => _logger = logger;

    /// <inheritdoc />
    public void ConnectionOpened(ConnectionInfo connection) => LogConnected(connection.Id, connection.RemoteEndPoint);

    /// <inheritdoc />
    public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version)
    {
        if (dialect == Dialect.Framed)
        {
            LogFramedHandshake(connection.Id, version);
        }
        else
        {
            LogTextbookHandshake(connection.Id);
        }
    }

    /// <inheritdoc />
    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            LogHeard(connection.Id, value.ToString(), square.ToString(), count);
        }
    }

    /// <inheritdoc />
    public void RequestRejected(ConnectionInfo connection, ProtocolError error)
    {
        if (error.ClosesConnection)
        {
            LogFatal(connection.Id, (int)error.Code, error.Text);
        }
        else
        {
            LogRejected(connection.Id, (int)error.Code, error.Text);
        }
    }

    /// <inheritdoc />
    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) =>
        LogGoodbye(connection.Id, initiator == GoodbyeInitiator.Client ? "the client said goodbye" : "said goodbye to the client (shutting down)", CountText.Of(count, "square", "squares"));

    /// <inheritdoc />
    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count) =>
        LogClosed(connection.Id, connection.RemoteEndPoint, reason, CountText.Of(count, "square", "squares"));

    [LoggerMessage(EventId = 401, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: Connected to {RemoteEndPoint}")]
    private partial void LogConnected(long connectionId, string remoteEndPoint);

    [LoggerMessage(EventId = 402, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: speaking the framed dialect, version {Version}")]
    private partial void LogFramedHandshake(long connectionId, int version);

    [LoggerMessage(EventId = 408, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: speaking the textbook dialect")]
    private partial void LogTextbookHandshake(long connectionId);

    // One line per batch of replies (SquareServed is raised once per flush): the latest square and the count so far.
    [LoggerMessage(EventId = 403, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: Server heard {Value}, sent {Square} ({Count} squares on this connection)")]
    private partial void LogHeard(long connectionId, string value, string square, long count);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "Connection {ConnectionId}: request refused: ERR {Code} {Text}")]
    private partial void LogRejected(long connectionId, int code, string text);

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: closing on error: ERR {Code} {Text}")]
    private partial void LogFatal(long connectionId, int code, string text);

    [LoggerMessage(EventId = 406, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: {Goodbye} after {Squares}")]
    private partial void LogGoodbye(long connectionId, string goodbye, string squares);

    [LoggerMessage(EventId = 407, Level = LogLevel.Information, Message = "Connection {ConnectionId}: closed ({Reason}) {RemoteEndPoint}, {Squares} served")]
    private partial void LogClosed(long connectionId, string remoteEndPoint, CloseReason reason, string squares);
}
