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

    /// <summary>
    /// As <see cref="OnLoopback"/>, but free on every interface, IPv4 and IPv6 (where the machine has IPv6):
    /// for a server told to bind <c>*</c> or <c>0.0.0.0</c>.
    /// </summary>
    public static int OnAllInterfaces()
    {
        using var probe = new Socket(Socket.OSSupportsIPv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (Socket.OSSupportsIPv6)
        {
            probe.DualMode = true;
        }

        probe.Bind(new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
