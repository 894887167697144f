using System.IO.Pipelines;
using IotSquares.Protocol;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Textbook;
using IotSquares.Server.Options;
using IotSquares.Transport;

namespace IotSquares.Server.Connections;

/// <summary>What every connection shares: the codecs (stateless), the time limits and the clock they run on.</summary>
internal sealed class ConnectionSettings
{
    public ConnectionSettings(ServerOptions options, TimeProvider time)
    {
        Time = time;
        ProtocolLimits limits = options.ToLimits();
        Framed = new FramedCodec(limits);
        Textbook = new TextbookCodec(limits);
        HandshakeTimeout = options.HandshakeTimeout;
        IdleTimeout = options.IdleTimeout;
        // One large read takes a whole pipelined burst, as a C server's read(64 KiB) does; the zero-byte read
        // first waits for bytes without a buffer, so an idle connection holds none of it.
        ReaderOptions = new StreamPipeReaderOptions(
            bufferSize: options.ReadBufferSize, minimumReadSize: Math.Max(256, options.ReadBufferSize / 4), leaveOpen: true, useZeroByteReads: true);

        // One core is always left to the rest of the server, however many connections want to spin.
        Spinning = new SocketSpinning(TimeSpan.FromMicroseconds(options.SpinMicroseconds), MaxSpinners);
    }

    public SocketSpinning Spinning { get; }

    /// <summary>Connections being served now (updated by each connection loop).</summary>
#pragma warning disable CA1051 // A field, so that Interlocked can update it.
    public int OpenConnections;
#pragma warning restore CA1051

    /// <summary>
    /// Whether a loop may spin for its client's next request: only while there are no more connections
    /// than spinning cores. Socket continuations run on the engine's event threads (SocketEngine), so a
    /// spin there also holds up the other connections of that thread; with many clients the server is
    /// busy anyway and their requests are picked up as they come.
    /// </summary>
    public bool FewEnoughToSpin => Volatile.Read(ref OpenConnections) <= MaxSpinners;

    private static int MaxSpinners => Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>The clock every timeout runs on: the system's, or a fake one in tests.</summary>
    public TimeProvider Time { get; }

    /// <summary>How the connection's pipe reads from its socket: the read buffer size comes from the options.</summary>
    public StreamPipeReaderOptions ReaderOptions { get; }

    /// <summary>
    /// Replies are written straight through to the socket, one send per buffer: a buffer as large as a read
    /// holds the replies to a whole burst, so they leave in one send. The buffers go back to the pool after
    /// each flush, so an idle connection holds none.
    /// </summary>
    public StreamPipeWriterOptions WriterOptions { get; } = new(minimumBufferSize: ReplyBufferSize, leaveOpen: true);

    private const int ReplyBufferSize = 64 * 1024;

    public FramedCodec Framed { get; }

    public TextbookCodec Textbook { get; }

    public TimeSpan HandshakeTimeout { get; }

    public TimeSpan IdleTimeout { get; }

    /// <summary>
    /// How long a closing connection keeps reading after its last reply. Closing a socket with unread
    /// bytes makes the kernel send a reset, which can destroy that reply before the client reads it.
    /// </summary>
    public TimeSpan LingerTimeout { get; } = TimeSpan.FromSeconds(1);
}
