namespace IotSquares.Client.Exchange;

/// <summary>Ends an exchange with one of the <see cref="ClientExitCodes"/> and a message for the user.</summary>
public sealed class ExchangeFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExchangeFailedException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException) => ExitCode = exitCode;

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
}
