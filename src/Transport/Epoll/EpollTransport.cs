using System.IO.Pipelines;
using System.Net.Sockets;

namespace IotSquares.Transport.Epoll;

/// <summary>
/// A connected TCP socket served by this library's own epoll loops (Linux) instead of .NET's socket engine:
/// a request costs the system calls a C epoll server makes (one <c>recv</c>, one <c>send</c>) and no
/// operation queue, pipe segment or stream in between (issue 12, docs/BENCHMARKS.md). The behaviour seen by
/// a connection loop is <see cref="SocketTransport"/>'s: the same spin, the same graceful close.
/// </summary>
internal sealed class EpollTransport : IConnectionTransport
{
    private readonly Socket _socket;
    private readonly SocketSpinning _spinning;
    private readonly EpollSocket _registered;
    private readonly EpollPipeReader _reader;
    private SpinHistory _spinHistory;

    public EpollTransport(Socket socket, SocketSpinning spinning, int readBufferSize, int writeBufferSize)
    {
        _socket = socket;
        _spinning = spinning;
        _registered = new EpollSocket(socket);
        _reader = new EpollPipeReader(_registered, readBufferSize);
        Output = new EpollPipeWriter(_registered, writeBufferSize);
    }

    public PipeReader Input => _reader;

    /// <summary>The socket as its loop sees it (for tests).</summary>
    internal EpollSocket Registered => _registered;

    public PipeWriter Output { get; }

    /// <remarks>As <see cref="SocketTransport.HasUnreadBytes"/>: only a read that filled its room may have left bytes behind.</remarks>
    public bool HasUnreadBytes => _reader.LastReadFilled && _socket.Available > 0;

    public void AwaitNextBytesBriefly()
    {
        if (_spinning.WaitReadable(_socket, ref _spinHistory))
        {
            _registered.MarkMayRead();
        }
    }

    public void ReadOnWithoutWaiting() => _registered.MarkMayRead();

    public void Abort()
    {
        _registered.Remove();
        _socket.Dispose();
    }

    public async ValueTask CloseAsync(TimeSpan linger)
    {
        await Input.CompleteAsync();
        try
        {
            // Sends what is still buffered; waits on a full send buffer unless Abort came first.
            await Output.CompleteAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection is gone; whatever was not sent is lost with it.
        }

        // From here .NET's own engine takes the socket, for the linger after FIN.
        _registered.Remove();
        await SocketCloser.CloseGracefullyAsync(_socket, linger);
    }
}
