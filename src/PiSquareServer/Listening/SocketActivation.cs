using System.Globalization;
using System.Net.Sockets;

namespace IotSquares.Server.Listening;

/// <summary>
/// systemd socket activation (deploy/systemd/socket-activation/pisquare-server.socket): when systemd holds
/// the listening socket, it starts the server with the socket as file descriptor 3 and says so in
/// <c>LISTEN_PID</c> (our process id) and <c>LISTEN_FDS</c> (how many, from 3 on). The server then serves on
/// that socket instead of binding its own, so clients that connect while it (re)starts wait in the
/// socket's backlog instead of being refused. Without those variables nothing changes.
/// </summary>
internal static class SocketActivation
{
    /// <summary>The first descriptor systemd passes (SD_LISTEN_FDS_START).</summary>
    public const int FirstDescriptor = 3;

    /// <summary>
    /// The listening sockets systemd passed to this process, or null when it passed none. The variables are
    /// removed, as sd_listen_fds(1) does, so that nothing this process starts believes they are its own.
    /// </summary>
    /// <exception cref="ListenFailedException">A passed descriptor is not a listening stream socket.</exception>
    public static IReadOnlyList<Socket>? TakeListeners()
    {
        string? pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        string? count = Environment.GetEnvironmentVariable("LISTEN_FDS");
        if (pid is null || count is null
            || !int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int forPid) || forPid != Environment.ProcessId
            || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int fds) || fds <= 0)
        {
            return null;
        }

        foreach (string name in (string[])["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"])
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        var sockets = new List<Socket>(fds);
        try
        {
            for (int fd = FirstDescriptor; fd < FirstDescriptor + fds; fd++)
            {
                sockets.Add(Listener(fd));
            }

            return sockets;
        }
        catch
        {
            sockets.ForEach(s => s.Dispose());
            throw;
        }
    }

    private static Socket Listener(int fd)
    {
        Socket socket;
        try
        {
            socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        }
        catch (SocketException ex)
        {
            throw new ListenFailedException($"socket activation: file descriptor {fd} from systemd is not a socket ({ex.Message})", ex);
        }

        if (socket.SocketType != SocketType.Stream || socket.ProtocolType != ProtocolType.Tcp || !IsListening(socket))
        {
            socket.Dispose();
            throw new ListenFailedException($"socket activation: file descriptor {fd} from systemd is not a listening TCP socket; the .socket unit needs ListenStream= and Accept=no");
        }

        return socket;
    }

    // SO_ACCEPTCONN: whether listen() was called on it, as systemd does for ListenStream= with Accept=no.
    private static bool IsListening(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        const int SolSocket = 1;
        const int SoAcceptConn = 30;
        Span<byte> value = stackalloc byte[4];
        socket.GetRawSocketOption(SolSocket, SoAcceptConn, value);
        return BitConverter.ToInt32(value) != 0;
    }
}
