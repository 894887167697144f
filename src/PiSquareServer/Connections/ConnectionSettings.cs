using IotSquares.Protocol;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Textbook;
using IotSquares.Server.Options;
using IotSquares.Shared;

namespace IotSquares.Server.Connections;

/// <summary>What every connection shares: the codecs (stateless) and the time limits.</summary>
internal sealed class ConnectionSettings
{
    public ConnectionSettings(ServerOptions options)
    {
        ProtocolLimits limits = options.ToLimits();
        Framed = new FramedCodec(limits);
        Textbook = new TextbookCodec(limits);
        HandshakeTimeout = options.HandshakeTimeout;
        IdleTimeout = options.IdleTimeout;

        // One core is always left to the rest of the server, however many connections want to spin.
        Spinning = new SocketSpinning(TimeSpan.FromMicroseconds(options.SpinMicroseconds), Math.Max(1, Environment.ProcessorCount - 1));
    }

    public SocketSpinning Spinning { get; }

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
