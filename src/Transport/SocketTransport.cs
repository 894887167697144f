using System.IO.Pipelines;
using System.Net.Sockets;

namespace IotSquares.Transport;

/// <summary>
/// A connected TCP socket as an <see cref="IConnectionTransport"/>: pipes over a
/// <see cref="NetworkStream"/>, <see cref="Socket.Available"/> for bytes not yet read, a bounded
/// spin (<see cref="SocketSpinning"/>) after each reply, and a close that lets the last reply arrive.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "CloseAsync, which every connection loop calls, disposes the stream and the socket.")]
public sealed class SocketTransport : IConnectionTransport
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SocketSpinning _spinning;
    private readonly SpinAwareReadStream _reader;
    private SpinHistory _spinHistory;
    private bool _bytesSeen;

    /// <summary>Wraps <paramref name="socket"/>, which the transport owns from now on.</summary>
    /// <param name="socket">A connected stream socket.</param>
    /// <param name="spinning">The spin policy shared by the connections of one program.</param>
    /// <param name="readerOptions">How the input pipe reads (its buffer size); must leave the stream open.</param>
    /// <param name="writerOptions">How the output pipe writes; must leave the stream open.</param>
    public SocketTransport(Socket socket, SocketSpinning spinning, StreamPipeReaderOptions readerOptions, StreamPipeWriterOptions writerOptions)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(spinning);
        _socket = socket;
        _spinning = spinning;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reader = new SpinAwareReadStream(_stream, TakeBytesSeen);
        Input = PipeReader.Create(_reader, readerOptions);
        Output = PipeWriter.Create(_stream, writerOptions);
    }

    /// <inheritdoc />
    public PipeReader Input { get; }

    /// <inheritdoc />
    public PipeWriter Output { get; }

    /// <inheritdoc />
    /// <remarks>
    /// A read that got less than it asked for emptied the socket's receive queue, so only after a full one is
    /// the kernel asked (FIONREAD): a lockstep textbook request costs one system call less. Bytes that arrive
    /// after the read are not seen either way, as with a question asked a moment earlier.
    /// </remarks>
    public bool HasUnreadBytes => _reader.LastReadFilled && _socket.Available > 0;

    /// <inheritdoc />
    public void AwaitNextBytesBriefly() => _bytesSeen = _spinning.WaitReadable(_socket, ref _spinHistory);

    /// <inheritdoc />
    /// <remarks>The input pipe's next zero-byte read is answered at once; its read with a buffer then asks the socket.</remarks>
    public void ReadOnWithoutWaiting() => _bytesSeen = true;

    private bool TakeBytesSeen()
    {
        bool seen = _bytesSeen;
        _bytesSeen = false;
        return seen;
    }

    /// <inheritdoc />
    public void Abort() => _socket.Dispose();

    /// <inheritdoc />
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

        await _stream.DisposeAsync();
        await SocketCloser.CloseGracefullyAsync(_socket, linger);
    }
}
