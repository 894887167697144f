using System.Net;
using System.Net.Sockets;

namespace IotSquares.TestKit;

/// <summary>Finds a TCP port on 127.0.0.1 for a program that must be told its port in advance.</summary>
public static class FreePort
{
    /// <summary>
    /// A port that the kernel handed out and nothing held a moment later. Another process may still take it
    /// before the caller binds it: a caller that starts a server on it must be ready to try another.
    /// </summary>
    public static int OnLoopback()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
