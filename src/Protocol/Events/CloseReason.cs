namespace IotSquares.Protocol.Events;

/// <summary>Why a connection ended.</summary>
public enum CloseReason
{
    /// <summary>The client said goodbye and the server confirmed.</summary>
    ClientGoodbye,

    /// <summary>The server said goodbye because it is stopping.</summary>
    ServerShutdown,

    /// <summary>The peer closed its side without a goodbye (normal for the textbook dialect).</summary>
    PeerClosed,

    /// <summary>The connection was reset or failed at the socket level.</summary>
    ConnectionLost,

    /// <summary>A fatal (5xx) protocol error: bad greeting, line too long, unsupported version.</summary>
    ProtocolError,

    /// <summary>The peer said nothing for longer than allowed.</summary>
    TimedOut,

    /// <summary>The server refused the connection because it is full.</summary>
    ServerBusy,

    /// <summary>The exchange finished its work (client side, textbook dialect: no goodbye exists).</summary>
    Completed,
}
