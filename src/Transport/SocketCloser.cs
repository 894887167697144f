using System.Net.Sockets;

namespace IotSquares.Transport;

/// <summary>Closes a connection so that the last bytes written reach the peer.</summary>
public static class SocketCloser
{
    /// <summary>
    /// Sends FIN, then reads and discards until the peer closes too or <paramref name="linger"/> runs
    /// out, then closes. Never throws: a connection that is already gone is simply closed.
    /// </summary>
    public static async Task CloseGracefullyAsync(Socket socket, TimeSpan linger)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            using var timeout = new CancellationTokenSource(linger);
            byte[] sink = new byte[256];
            while (await socket.ReceiveAsync(sink, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is gone or too slow to close: nothing more can be done for it.
        }
        finally
        {
            socket.Dispose();
        }
    }
}
