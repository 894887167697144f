using IotSquares.Protocol;

namespace IotSquares.Client.Exchange;

/// <summary>How an exchange ended.</summary>
/// <param name="ExitCode">One of <see cref="ClientExitCodes"/>.</param>
/// <param name="Dialect">The dialect spoken (Unknown if the handshake never finished).</param>
/// <param name="Greeting">The server's greeting as received.</param>
/// <param name="Requested">How many integers were to be squared.</param>
/// <param name="Verified">How many squares arrived and were correct.</param>
/// <param name="Errors">How many requests the server refused (4xx) or answered wrongly.</param>
/// <param name="Elapsed">Time from connected to done.</param>
/// <param name="ServerCount">The count the server gave in its last goodbye (it counts one connection), if it gave one.</param>
/// <param name="Message">What went wrong, or a warning, when there is one.</param>
public sealed record ExchangeResult(
    int ExitCode,
    Dialect Dialect,
    string? Greeting,
    long Requested,
    long Verified,
    long Errors,
    TimeSpan Elapsed,
    long? ServerCount,
    string? Message)
{
    /// <summary>How many times the client reconnected: connections made after the first one.</summary>
    public int Reconnects { get; init; }

    /// <summary>How many connections the client tried, made or not.</summary>
    public int Attempts { get; init; }

    /// <summary>How many connections the client made (0 when it never reached the server).</summary>
    public int Connections { get; init; }

    /// <summary>True when every requested square was verified.</summary>
    public bool Succeeded => ExitCode == ClientExitCodes.Success;

    /// <summary>Squares verified per second.</summary>
    public double Rate => Elapsed > TimeSpan.Zero ? Verified / Elapsed.TotalSeconds : 0;
}
