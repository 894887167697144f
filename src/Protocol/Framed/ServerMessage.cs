using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Framed;

/// <summary>What a framed server can say.</summary>
public enum ServerMessageKind
{
    /// <summary>The reply to a request: its square.</summary>
    Square,

    /// <summary><c>WELCOME squares/1 …</c>: the handshake is done at the version given.</summary>
    Welcome,

    /// <summary><c>ERR &lt;code&gt; &lt;text&gt;</c>: the reply to a bad request, or the reason for closing.</summary>
    Error,

    /// <summary><c>BYE &lt;count&gt; [reason]</c>: the server confirms the client's goodbye, or is going away.</summary>
    Goodbye,

    /// <summary>A line no server should send; <see cref="ServerMessage.Text"/> holds it.</summary>
    Invalid,
}

/// <summary>One parsed line from a framed server.</summary>
public readonly struct ServerMessage
{
    private ServerMessage(
        ServerMessageKind kind,
        ProtocolInteger square = default,
        int version = 0,
        ServerParameters? parameters = null,
        ProtocolError error = default,
        long count = 0,
        string? text = null)
    {
        Kind = kind;
        Square = square;
        Version = version;
        Parameters = parameters;
        Error = error;
        Count = count;
        Text = text;
    }

    /// <summary>Which message this is.</summary>
    public ServerMessageKind Kind { get; }

    /// <summary>The integer of a <see cref="ServerMessageKind.Square"/> message.</summary>
    public ProtocolInteger Square { get; }

    /// <summary>The version a <see cref="ServerMessageKind.Welcome"/> settled on.</summary>
    public int Version { get; }

    /// <summary>The limits a <see cref="ServerMessageKind.Welcome"/> announced.</summary>
    public ServerParameters? Parameters { get; }

    /// <summary>The error of an <see cref="ServerMessageKind.Error"/> message.</summary>
    public ProtocolError Error { get; }

    /// <summary>The squares served on the connection, as a <see cref="ServerMessageKind.Goodbye"/> counts them.</summary>
    public long Count { get; }

    /// <summary>The reason of a goodbye (may be null), or the offending line of an <see cref="ServerMessageKind.Invalid"/> message.</summary>
    public string? Text { get; }

    /// <summary>A square.</summary>
    public static ServerMessage ForSquare(ProtocolInteger square) => new(ServerMessageKind.Square, square: square);

    /// <summary>A welcome at <paramref name="version"/>.</summary>
    public static ServerMessage ForWelcome(int version, ServerParameters parameters) =>
        new(ServerMessageKind.Welcome, version: version, parameters: parameters);

    /// <summary>An error.</summary>
    public static ServerMessage ForError(ProtocolError error) => new(ServerMessageKind.Error, error: error);

    /// <summary>A goodbye counting <paramref name="count"/> squares.</summary>
    public static ServerMessage ForGoodbye(long count, string? reason) => new(ServerMessageKind.Goodbye, count: count, text: reason);

    /// <summary>A line that is not part of the protocol.</summary>
    public static ServerMessage ForInvalid(ErrorCode reason, string line) =>
        new(ServerMessageKind.Invalid, error: new ProtocolError(reason, ProtocolError.Describe(reason)), text: line);
}
