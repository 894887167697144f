using System.IO.Pipelines;
using System.Net.Sockets;
using IotSquares.Transport.Epoll;

namespace IotSquares.Transport;

/// <summary>Picks the transport for a connected socket: the epoll loops on Linux, .NET's socket engine elsewhere.</summary>
public static class ConnectionTransports
{
    /// <summary>
    /// Set to <c>dotnet</c> to serve connections through .NET's socket engine (<see cref="SocketTransport"/>)
    /// on Linux too: the way to compare the two, or to step around a problem with the epoll loops.
    /// </summary>
    public const string EngineVariable = "IOTSQUARES_SOCKET_ENGINE";

    /// <summary>True when connections get the epoll transport: Linux, unless <see cref="EngineVariable"/> says otherwise.</summary>
    public static bool UsesEpoll { get; } = OperatingSystem.IsLinux() &&
        !string.Equals(Environment.GetEnvironmentVariable(EngineVariable), "dotnet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Wraps <paramref name="socket"/>, which the transport owns from now on.</summary>
    /// <param name="socket">A connected stream socket.</param>
    /// <param name="spinning">The spin policy shared by the connections of one program.</param>
    /// <param name="readerOptions">How to read: the buffer size (and, for .NET's engine, the rest of the pipe's options).</param>
    /// <param name="writerOptions">How to write: the buffer size replies gather in.</param>
    public static IConnectionTransport ForSocket(Socket socket, SocketSpinning spinning, StreamPipeReaderOptions readerOptions, StreamPipeWriterOptions writerOptions)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(spinning);
        ArgumentNullException.ThrowIfNull(readerOptions);
        ArgumentNullException.ThrowIfNull(writerOptions);
        return UsesEpoll
            ? new EpollTransport(socket, spinning, readerOptions.BufferSize, writerOptions.MinimumBufferSize)
            : new SocketTransport(socket, spinning, readerOptions, writerOptions);
    }
}
