using System.Net;
using System.Net.Sockets;

namespace IotSquares.Server.Listening;

/// <summary>Opens the listening sockets.</summary>
internal static class ListenerFactory
{
    private const int Backlog = 512;

    /// <summary>
    /// Binds one socket per address, all on the same port (with port 0, the port the first one got).
    /// On failure every socket opened so far is closed and the error is thrown.
    /// </summary>
    public static IReadOnlyList<Socket> Open(IReadOnlyList<IPAddress> addresses, int port)
    {
        var sockets = new List<Socket>(addresses.Count);
        try
        {
            foreach (IPAddress address in addresses)
            {
                Socket socket = Open(address, port);
                sockets.Add(socket);
                port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            }

            return sockets;
        }
        catch
        {
            sockets.ForEach(s => s.Dispose());
            throw;
        }
    }

    /// <summary>
    /// A restarted server must be able to bind while its old connections sit in TIME_WAIT, but a
    /// second server must never share a port that one is listening on. On Linux, SO_REUSEADDR gives
    /// exactly that (a bind fails whenever another socket listens on the port). .NET's
    /// <see cref="SocketOptionName.ReuseAddress"/> is not it: on Linux it also sets SO_REUSEPORT,
    /// which lets any number of servers listen on one port and splits the clients between them. So the
    /// option is set with a raw setsockopt, and only on Linux (on Windows SO_REUSEADDR would allow
    /// port stealing, and its default already permits a restart).
    /// </summary>
    private static void AllowRestartDuringTimeWait(Socket socket)
    {
        if (OperatingSystem.IsLinux())
        {
            const int SolSocket = 1;
            const int SoReuseAddr = 2;
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        }
    }

    private static Socket Open(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                // One socket for both families: "all interfaces" must include IPv4 clients.
                socket.DualMode = true;
            }

            AllowRestartDuringTimeWait(socket);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(Backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
