using System.Globalization;

namespace IotSquares.Protocol.Errors;

/// <summary>An error as it travels on the wire: <c>ERR &lt;code&gt; &lt;text&gt;</c>.</summary>
/// <param name="Code">The numbered error.</param>
/// <param name="Text">Human-readable detail: printable ASCII, no line breaks.</param>
public readonly record struct ProtocolError(ErrorCode Code, string Text)
{
    /// <summary>True for 5xx errors, after which the connection is closed.</summary>
    public bool ClosesConnection => IsFatal(Code);

    /// <summary>An error with the standard text for <paramref name="code"/>.</summary>
    public static ProtocolError For(ErrorCode code) => new(code, Describe(code));

    /// <summary>True for 5xx errors, after which the connection is closed.</summary>
    public static bool IsFatal(ErrorCode code) => (int)code >= 500;

    /// <summary>The standard text of each error, as the server sends it.</summary>
    public static string Describe(ErrorCode code) => code switch
    {
        ErrorCode.None => "no error",
        ErrorCode.NotAnInteger => "not an integer",
        ErrorCode.EmptyRequest => "empty request",
        ErrorCode.TooManyDigits => "too many digits",
        ErrorCode.InvalidCharacters => "invalid characters",
        ErrorCode.AlreadyGreeted => "already greeted",
        ErrorCode.InternalError => "internal error",
        ErrorCode.LineTooLong => "line too long",
        ErrorCode.HandshakeRequired => "handshake required",
        ErrorCode.ServerBusy => "server busy",
        ErrorCode.TimedOut => "timed out",
        ErrorCode.VersionNotSupported => "version not supported",
        _ => "error " + ((int)code).ToString(CultureInfo.InvariantCulture),
    };

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"ERR {(int)Code} {Text}");
}
