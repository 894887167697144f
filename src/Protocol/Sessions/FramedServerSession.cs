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
public sealed class FramedServerSession : IServerSession
{
    private readonly FramedCodec _codec;
    private readonly ConnectionInfo _connection;
    private readonly IExchangeObserver _observer;

    /// <summary>Creates the session for one connection.</summary>
    public FramedServerSession(FramedCodec codec, ConnectionInfo connection, IExchangeObserver observer)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(observer);
        _codec = codec;
        _connection = connection;
        _observer = observer;
    }

    /// <inheritdoc />
    public Dialect Dialect => Dialect.Framed;

    /// <inheritdoc />
    public bool IsHandshakeComplete { get; private set; }

    /// <summary>The version agreed in the handshake (0 before it).</summary>
    public int Version { get; private set; }

    /// <inheritdoc />
    public long SquaresServed { get; private set; }

    /// <inheritdoc />
    public SessionStatus Process(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output)
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
    public void WriteFatalError(IBufferWriter<byte> output, ProtocolError error)
    {
        FramedCodec.WriteError(output, error);
        _observer.RequestRejected(_connection, error);
    }

    /// <inheritdoc />
    public void WriteShutdown(IBufferWriter<byte> output)
    {
        FramedCodec.WriteServerGoodbye(output, SquaresServed, FramedSyntax.ShutdownReason);
        _observer.GoodbyeSaid(_connection, GoodbyeInitiator.Server, SquaresServed);
    }

    private SessionStatus HandleGreeting(in ClientMessage message, IBufferWriter<byte> output)
    {
        if (message.Kind != ClientMessageKind.Hello || message.OfferedVersions is null)
        {
            ErrorCode code = message.Error == ErrorCode.LineTooLong ? ErrorCode.LineTooLong : ErrorCode.HandshakeRequired;
            return Fatal(output, ProtocolError.For(code));
        }

        int? version = VersionNegotiation.Choose(message.OfferedVersions, FramedSyntax.OldestVersion, FramedSyntax.CurrentVersion);
        if (version is null)
        {
            string spoken = FramedSyntax.OldestVersion == FramedSyntax.CurrentVersion
                ? $"{FramedSyntax.CurrentVersion}"
                : $"{FramedSyntax.OldestVersion}-{FramedSyntax.CurrentVersion}";
            return Fatal(output, new ProtocolError(
                ErrorCode.VersionNotSupported,
                $"version not supported; this server speaks {FramedSyntax.ProtocolName}/{spoken}"));
        }

        Version = version.Value;
        IsHandshakeComplete = true;
        _codec.WriteWelcome(output, Version);
        _observer.HandshakeCompleted(_connection, Dialect.Framed, Version);
        return SessionStatus.Open;
    }

    private SessionStatus Handle(in ClientMessage message, IBufferWriter<byte> output)
    {
        switch (message.Kind)
        {
            case ClientMessageKind.Number:
                ProtocolInteger value = message.Number;
                ProtocolInteger square = value.Square();
                FramedCodec.WriteNumber(output, square);
                SquaresServed++;
                _observer.SquareServed(_connection, value, square, SquaresServed);
                return SessionStatus.Open;

            case ClientMessageKind.Goodbye:
                FramedCodec.WriteServerGoodbye(output, SquaresServed, reason: null);
                _observer.GoodbyeSaid(_connection, GoodbyeInitiator.Client, SquaresServed);
                return SessionStatus.Close(CloseReason.ClientGoodbye);

            case ClientMessageKind.Hello:
                return Reject(output, ProtocolError.For(ErrorCode.AlreadyGreeted));

            default:
                return Reject(output, ProtocolError.For(message.Error));
        }
    }

    private SessionStatus Reject(IBufferWriter<byte> output, ProtocolError error)
    {
        if (error.ClosesConnection)
        {
            return Fatal(output, error);
        }

        FramedCodec.WriteError(output, error);
        _observer.RequestRejected(_connection, error);
        return SessionStatus.Open;
    }

    private SessionStatus Fatal(IBufferWriter<byte> output, ProtocolError error)
    {
        WriteFatalError(output, error);
        return SessionStatus.Close(CloseReason.ProtocolError);
    }
}
