using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Framed;

/// <summary>What a framed client can say.</summary>
public enum ClientMessageKind
{
    /// <summary>A request: an integer to square.</summary>
    Number,

    /// <summary><c>HELLO squares/1[,2…]</c>: the greeting with the versions the client speaks.</summary>
    Hello,

    /// <summary><c>BYE</c>: the client is done.</summary>
    Goodbye,

    /// <summary>A line that is none of the above; <see cref="ClientMessage.Error"/> says why.</summary>
    Invalid,
}

/// <summary>One parsed line from a framed client.</summary>
public readonly struct ClientMessage
{
    private ClientMessage(ClientMessageKind kind, ProtocolInteger number, IReadOnlyList<int>? versions, ErrorCode error)
    {
        Kind = kind;
        Number = number;
        OfferedVersions = versions;
        Error = error;
    }

    /// <summary>Which message this is.</summary>
    public ClientMessageKind Kind { get; }

    /// <summary>The integer of a <see cref="ClientMessageKind.Number"/> message.</summary>
    public ProtocolInteger Number { get; }

    /// <summary>
    /// The versions a <see cref="ClientMessageKind.Hello"/> offers, or null when the greeting
    /// started with <c>HELLO</c> but could not be understood.
    /// </summary>
    public IReadOnlyList<int>? OfferedVersions { get; }

    /// <summary>Why an <see cref="ClientMessageKind.Invalid"/> line was refused.</summary>
    public ErrorCode Error { get; }

    /// <summary>A request to square <paramref name="value"/>.</summary>
    public static ClientMessage ForNumber(ProtocolInteger value) => new(ClientMessageKind.Number, value, null, ErrorCode.None);

    /// <summary>A greeting offering <paramref name="versions"/> (null: malformed greeting).</summary>
    public static ClientMessage ForHello(IReadOnlyList<int>? versions) => new(ClientMessageKind.Hello, default, versions, ErrorCode.None);

    /// <summary>The client's goodbye.</summary>
    public static ClientMessage ForGoodbye() => new(ClientMessageKind.Goodbye, default, null, ErrorCode.None);

    /// <summary>A line refused for <paramref name="error"/>.</summary>
    public static ClientMessage ForInvalid(ErrorCode error) => new(ClientMessageKind.Invalid, default, null, error);
}
