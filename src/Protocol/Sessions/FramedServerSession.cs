using System.Buffers;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Sessions;

/// <summary>
/// The framed dialect, server side: <c>HELLO</c> first, then any number of requests (pipelined,
/// answered in order), errors in place of replies, and a goodbye that confirms the count.
/// </summary>
public sealed class FramedServerSession : ServerSession
{
    private readonly FramedCodec _codec;

    /// <summary>Creates the session for one connection.</summary>
    public FramedServerSession(FramedCodec codec, ConnectionInfo connection, IExchangeObserver observer)
        : base(connection, observer)
    {
        ArgumentNullException.ThrowIfNull(codec);
        _codec = codec;
    }

    /// <inheritdoc />
    public override Dialect Dialect => Dialect.Framed;

    /// <summary>The version agreed in the handshake (0 before it).</summary>
    public int Version { get; private set; }

    /// <inheritdoc />
    public override SessionStatus Process(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output)
    {
        while (_codec.TryParseClientMessage(ref buffer, out ClientMessage message))
        {
            SessionStatus status = IsHandshakeComplete ? Handle(message, output) : HandleGreeting(message, output);
            if (status.IsClosing)
            {
                return status;
            }
        }

        return SessionStatus.Open;
    }

    /// <inheritdoc />
    public override void WriteShutdown(IBufferWriter<byte> output)
    {
        FramedCodec.WriteServerGoodbye(output, SquaresServed, FramedSyntax.ShutdownReason);
        Observer.GoodbyeSaid(Connection, GoodbyeInitiator.Server, SquaresServed);
    }

    /// <inheritdoc />
    protected override void WriteSquare(IBufferWriter<byte> output, in ProtocolInteger square) => FramedCodec.WriteNumber(output, square);

    /// <inheritdoc />
    protected override void WriteError(IBufferWriter<byte> output, in ProtocolError error) => FramedCodec.WriteError(output, error);

    private SessionStatus HandleGreeting(in ClientMessage message, IBufferWriter<byte> output)
    {
        if (message.Kind != ClientMessageKind.Hello || message.OfferedVersions is null)
        {
            ErrorCode code = message.Error == ErrorCode.LineTooLong ? ErrorCode.LineTooLong : ErrorCode.HandshakeRequired;
            return Reject(output, ProtocolError.For(code));
        }

        int? version = VersionNegotiation.Choose(message.OfferedVersions, FramedSyntax.OldestVersion, FramedSyntax.CurrentVersion);
        if (version is null)
        {
            string spoken = FramedSyntax.OldestVersion == FramedSyntax.CurrentVersion
                ? $"{FramedSyntax.CurrentVersion}"
                : $"{FramedSyntax.OldestVersion}-{FramedSyntax.CurrentVersion}";
            return Reject(output, new ProtocolError(
                ErrorCode.VersionNotSupported,
                $"version not supported; this server speaks {FramedSyntax.ProtocolName}/{spoken}"));
        }

        Version = version.Value;
        _codec.WriteWelcome(output, Version);
        CompleteHandshake(Version, _codec.WelcomeText(Version));
        return SessionStatus.Open;
    }

    private SessionStatus Handle(in ClientMessage message, IBufferWriter<byte> output)
    {
        switch (message.Kind)
        {
            case ClientMessageKind.Number:
                return Serve(message.Number, output);

            case ClientMessageKind.Goodbye:
                FramedCodec.WriteServerGoodbye(output, SquaresServed, reason: null);
                Observer.GoodbyeSaid(Connection, GoodbyeInitiator.Client, SquaresServed);
                return SessionStatus.Close(CloseReason.ClientGoodbye);

            case ClientMessageKind.Hello:
                return Reject(output, ProtocolError.For(ErrorCode.AlreadyGreeted));

            default:
                return Reject(output, ProtocolError.For(message.Error));
        }
    }
}
