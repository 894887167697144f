namespace IotSquares.Soak;

/// <summary>The soak tool's exit codes: 0 only when the whole run was clean.</summary>
internal static class SoakExitCodes
{
    /// <summary>Every exchange succeeded and verified every square; an owned server stopped with exit 0.</summary>
    public const int Success = 0;

    /// <summary>The command line is wrong.</summary>
    public const int Usage = 1;

    /// <summary>The server could not be found or started, died during the run, or did not exit 0 on SIGTERM.</summary>
    public const int ServerFailed = 2;

    /// <summary>At least one exchange failed or verified fewer squares than it asked for.</summary>
    public const int ExchangeErrors = 3;

    /// <summary>Interrupted by Ctrl+C or SIGTERM (128 + SIGINT); the partial result is still reported.</summary>
    public const int Interrupted = 130;
}
