using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace IotSquares.Server.Systemd;

/// <summary>
/// Sends sd_notify datagrams to the Unix socket named by <c>NOTIFY_SOCKET</c>, whoever started us.
/// Microsoft.Extensions.Hosting.Systemd only notifies when its parent process is systemd itself; a
/// supervisor, a container runtime or a test that sets <c>NOTIFY_SOCKET</c> deserves the same answers.
/// </summary>
public sealed partial class NotifySocketNotifier : IServiceNotifier, IDisposable
{
    /// <summary>The environment variable the service manager sets.</summary>
    public const string Variable = "NOTIFY_SOCKET";

    // A datagram to systemd is read at once; a manager that is stuck must not stall the server for long.
    private const int SendTimeoutMilliseconds = 1000;

    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly UnixDomainSocketEndPoint _target;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private bool _failedBefore;

    private NotifySocketNotifier(UnixDomainSocketEndPoint target, ILogger logger)
    {
        _target = target;
        _logger = logger;
        _socket.SendTimeout = SendTimeoutMilliseconds;
    }

    /// <inheritdoc />
    public bool IsEnabled => true;

    /// <summary>
    /// The notifier for <paramref name="notifySocket"/> (the value of <c>NOTIFY_SOCKET</c>): a path, or
    /// <c>@name</c> for a socket in the abstract namespace. Unset or empty gives the no-op notifier, and so
    /// does an address kind we cannot speak (e.g. <c>vsock:</c>), after a warning.
    /// </summary>
    public static IServiceNotifier Create(string? notifySocket, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrEmpty(notifySocket))
        {
            return NoServiceNotifier.Instance;
        }

        if (notifySocket[0] == '@' && notifySocket.Length > 1)
        {
            // The abstract namespace: the name starts with a NUL byte instead of '@'.
            return new NotifySocketNotifier(new UnixDomainSocketEndPoint("\0" + notifySocket[1..]), logger);
        }

        if (notifySocket[0] == '/')
        {
            return new NotifySocketNotifier(new UnixDomainSocketEndPoint(notifySocket), logger);
        }

        LogUnsupported(logger, notifySocket);
        return NoServiceNotifier.Instance;
    }

    /// <inheritdoc />
    public void Notify(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        byte[] datagram = Encoding.UTF8.GetBytes(state);
        lock (_gate)
        {
            try
            {
                _socket.SendTo(datagram, SocketFlags.None, _target);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Warn once, then quietly: a manager that went away must not fill the log every second.
                if (!_failedBefore)
                {
                    _failedBefore = true;
                    LogSendFailed(_logger, state, ex.Message);
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _socket.Dispose();
        }
    }

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "NOTIFY_SOCKET={Address} is not a path or an @abstract name; the service manager will not be notified")]
    private static partial void LogUnsupported(ILogger logger, string address);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Could not notify the service manager ({State}): {Detail}; further failures are not logged")]
    private static partial void LogSendFailed(ILogger logger, string state, string detail);
}
