namespace IotSquares.Server.Hosting;

/// <summary>
/// The server's exit codes, from sysexits.h where one fits, so that a unit file can tell a
/// configuration mistake (do not restart) from a passing failure (restart).
/// </summary>
public static class ServerExitCodes
{
    /// <summary>Stopped normally.</summary>
    public const int Success = 0;

    /// <summary>The command line could not be parsed.</summary>
    public const int Usage = 64;

    /// <summary>The port could not be bound (in use, not permitted, no such address).</summary>
    public const int Unavailable = 69;

    /// <summary>The configuration is invalid (EX_CONFIG); restarting will not help.</summary>
    public const int Configuration = 78;
}
