using System.Net.Sockets;

namespace IotSquares.Server.Listening;

/// <summary>The server cannot listen where it was told to: the port is taken, the address is not on this machine, or not permitted.</summary>
public sealed class ListenFailedException : Exception
{
    /// <summary>Creates the exception with a one-line message for the user.</summary>
    public ListenFailedException(string bind, int port, SocketException error)
        : base(Describe(bind, port, error), error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error.SocketErrorCode;
    }

    /// <summary>Creates the exception.</summary>
    public ListenFailedException()
        : this("cannot listen")
    {
    }

    /// <summary>Creates the exception.</summary>
    public ListenFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ListenFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Why the socket could not be bound.</summary>
    public SocketError Error { get; }

    private static string Describe(string bind, int port, SocketException error) => error.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => $"cannot listen on {bind} port {port}: the port is in use (is another server running?)",
        SocketError.AddressNotAvailable => $"cannot listen on {bind} port {port}: that address is not on this machine",
        SocketError.AccessDenied => $"cannot listen on {bind} port {port}: permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)",
        SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => $"cannot listen on {bind}: no such host name",
        _ => $"cannot listen on {bind} port {port}: {error.Message}",
    };
}
