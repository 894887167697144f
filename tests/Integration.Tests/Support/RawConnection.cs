using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IotSquares.Integration.Tests.Support;

/// <summary>A plain socket to a server on loopback, for sending exactly the bytes a test wants.</summary>
public sealed class RawConnection : IDisposable
{
    private readonly List<byte> _received = [];

    private RawConnection(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    public static async Task<RawConnection> ConnectAsync(int port, IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(address, port));
        return new RawConnection(socket);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await Socket.SendAsync(bytes, SocketFlags.None);

    /// <summary>Everything received so far, as Latin-1 text (one char per byte).</summary>
    public string ReceivedText => Encoding.Latin1.GetString([.. _received]);

    /// <summary>Reads until the received text satisfies <paramref name="done"/>, the peer closes, or the timeout.</summary>
    public async Task<string> ReceiveUntilAsync(Func<string, bool> done, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        byte[] buffer = new byte[65536];
        while (!done(ReceivedText))
        {
            int n;
            try
            {
                n = await Socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (n == 0)
            {
                break;
            }

            _received.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        return ReceivedText;
    }

    /// <summary>Reads until the peer closes (or the timeout); returns all text and whether the close was seen.</summary>
    public async Task<(string Text, bool Closed)> ReceiveToEndAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        byte[] buffer = new byte[65536];
        while (true)
        {
            int n;
            try
            {
                n = await Socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (OperationCanceledException)
            {
                return (ReceivedText, false);
            }
            catch (SocketException)
            {
                return (ReceivedText, true);
            }

            if (n == 0)
            {
                return (ReceivedText, true);
            }

            _received.AddRange(buffer.AsSpan(0, n).ToArray());
        }
    }

    public void Dispose() => Socket.Dispose();
}
