namespace IotSquares.Client;

/// <summary>The client's exit codes: one per way an exchange can end, so scripts can tell them apart.</summary>
public static class ClientExitCodes
{
    /// <summary>Every square was received and verified.</summary>
    public const int Success = 0;

    /// <summary>The command line is wrong: one line on standard error names the option and the accepted form.</summary>
    public const int Usage = 1;

    /// <summary>No connection could be made: name not resolved, refused, unreachable, connect timeout.</summary>
    public const int CannotConnect = 2;

    /// <summary>The server said something outside the protocol, or an unexpected greeting.</summary>
    public const int ProtocolError = 3;

    /// <summary>A reply was a number, but not the square of the number sent.</summary>
    public const int WrongSquare = 4;

    /// <summary>The server did not answer within the receive timeout.</summary>
    public const int Timeout = 5;

    /// <summary>The server answered with <c>ERR</c>: a refused request, busy, unsupported version.</summary>
    public const int Refused = 6;

    /// <summary>The connection closed or was reset, or the server said goodbye, before every square arrived.</summary>
    public const int ConnectionLost = 7;

    /// <summary>
    /// A <c>Hardware</c> setting of the right form that the settings cannot take, from appsettings.json, the
    /// environment or the command line (EX_CONFIG, as the server's).
    /// </summary>
    public const int Configuration = 78;

    /// <summary>Interrupted by Ctrl+C or SIGTERM (128 + SIGINT).</summary>
    public const int Cancelled = 130;
}
