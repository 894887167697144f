using System.Net;
using System.Net.Sockets;

namespace IotSquares.Transport.Tests;

/// <summary>Two connected TCP sockets on 127.0.0.1: what each test of the socket side needs.</summary>
internal sealed class SocketPair : IDisposable
{
    private SocketPair(Socket near, Socket far)
    {
        Near = near;
        Far = far;
    }

    /// <summary>The side under test.</summary>
    public Socket Near { get; }

    /// <summary>The peer.</summary>
    public Socket Far { get; }

    public static async Task<SocketPair> ConnectAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var far = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await far.ConnectAsync(listener.LocalEndPoint!);
        Socket near = await listener.AcceptAsync();
        near.NoDelay = true;
        return new SocketPair(near, far);
    }

    /// <summary>Waits (bounded) until bytes sent by the peer can be read on <see cref="Near"/>.</summary>
    public async Task WaitUntilNearHasBytesAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Near.Available == 0)
        {
            await Task.Delay(1, deadline.Token);
        }
    }

    public void Dispose()
    {
        Near.Dispose();
        Far.Dispose();
    }
}
