namespace IotSquares.Protocol.Errors;

/// <summary>
/// The numbered errors of the protocol. The first digit says what happens next:
/// 4xx rejects one request and the connection goes on; 5xx is said once and the connection closes.
/// </summary>
public enum ErrorCode
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The request is not a decimal integer (letters, spaces, a lone sign, …).</summary>
    NotAnInteger = 400,

    /// <summary>The request is empty (an empty line, or whitespace only in the textbook dialect).</summary>
    EmptyRequest = 401,

    /// <summary>The integer has more digits than the server's limit.</summary>
    TooManyDigits = 402,

    /// <summary>The request holds bytes no integer may contain: NUL, control characters, non-ASCII or invalid UTF-8.</summary>
    InvalidCharacters = 403,

    /// <summary>A greeting after the handshake was already done.</summary>
    AlreadyGreeted = 404,

    /// <summary>The server failed on its side; the connection closes.</summary>
    InternalError = 500,

    /// <summary>A line (or a textbook message) is longer than the limit; framing is lost, the connection closes.</summary>
    LineTooLong = 501,

    /// <summary>The first bytes are not a greeting of either dialect, or the greeting is malformed.</summary>
    HandshakeRequired = 502,

    /// <summary>The server has as many connections as it allows.</summary>
    ServerBusy = 503,

    /// <summary>The peer was silent for too long: during the handshake or between requests.</summary>
    TimedOut = 504,

    /// <summary>The client and server share no protocol version.</summary>
    VersionNotSupported = 505,
}
