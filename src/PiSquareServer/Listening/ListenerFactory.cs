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

            // A restarted service must be able to bind while old connections sit in TIME_WAIT.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
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
