using IotSquares.Protocol.Events;

namespace IotSquares.Client.Exchange;

/// <summary>
/// Ends an exchange with one of the <see cref="ClientExitCodes"/> and a message for the user.
/// <see cref="Retryable"/> says whether a new connection may get further: a lost connection or a
/// silent server may; a wrong square or an unsupported version never will.
/// </summary>
public sealed class ExchangeFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExchangeFailedException(int exitCode, string message, Exception? innerException = null, bool retryable = false)
        : base(message, innerException)
    {
        ExitCode = exitCode;
        Retryable = retryable;
    }

    /// <summary>Creates the exception with a generic failure code.</summary>
    public ExchangeFailedException()
        : this(ClientExitCodes.ProtocolError, "The exchange failed.")
    {
    }

    /// <summary>Creates the exception with a generic failure code.</summary>
    public ExchangeFailedException(string message)
        : this(ClientExitCodes.ProtocolError, message)
    {
    }

    /// <summary>Creates the exception with a generic failure code.</summary>
    public ExchangeFailedException(string message, Exception innerException)
        : this(ClientExitCodes.ProtocolError, message, innerException)
    {
    }

    /// <summary>The exit code this failure maps to.</summary>
    public int ExitCode { get; }

    /// <summary>True when reconnecting and resending the unanswered requests may succeed.</summary>
    public bool Retryable { get; }

    /// <summary>What observers are told closed the connection, when the exit code alone does not say.</summary>
    internal CloseReason? CloseReason { get; init; }

    /// <summary>A failure of the connection itself (lost, reset, closed, silent, refused): worth a new connection.</summary>
    public static ExchangeFailedException Transient(int exitCode, string message, Exception? innerException = null) =>
        new(exitCode, message, innerException, retryable: true);
}
