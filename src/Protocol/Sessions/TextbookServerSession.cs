using System.Buffers;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Textbook;

namespace IotSquares.Protocol.Sessions;

/// <summary>
/// The textbook dialect, server side: answer <c>Hi there!</c> with <c>Hello. Nice to see you.</c>,
/// then square each message. Unlike the textbook's server, a bad message gets an <c>ERR</c> reply
/// instead of a crash, and the exchange goes on.
/// </summary>
public sealed class TextbookServerSession : IServerSession
{
    private readonly TextbookCodec _codec;
    private readonly ConnectionInfo _connection;
    private readonly IExchangeObserver _observer;

    /// <summary>Creates the session for one connection.</summary>
    public TextbookServerSession(TextbookCodec codec, ConnectionInfo connection, IExchangeObserver observer)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(observer);
        _codec = codec;
        _connection = connection;
        _observer = observer;
    }

    /// <inheritdoc />
    public Dialect Dialect => Dialect.Textbook;

    /// <inheritdoc />
    public bool IsHandshakeComplete { get; private set; }

    /// <inheritdoc />
    public long SquaresServed { get; private set; }

    /// <inheritdoc />
    public SessionStatus Process(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output)
    {
        if (!IsHandshakeComplete)
        {
            if (!TextbookCodec.TryReadGreeting(ref buffer))
            {
                return SessionStatus.Open;
            }

            TextbookCodec.WriteGreetingReply(output);
            IsHandshakeComplete = true;
            _observer.HandshakeCompleted(_connection, Dialect.Textbook, 0);
        }

        if (!_codec.TryParseRequest(ref buffer, out ClientMessage message))
        {
            return SessionStatus.Open;
        }

        switch (message.Kind)
        {
            case ClientMessageKind.Number:
                ProtocolInteger value = message.Number;
                ProtocolInteger square = value.Square();
                TextbookCodec.WriteNumber(output, square);
                SquaresServed++;
                _observer.SquareServed(_connection, value, square, SquaresServed);
                return SessionStatus.Open;

            case ClientMessageKind.Hello:
                return Reject(output, ProtocolError.For(ErrorCode.AlreadyGreeted));

            default:
                return Reject(output, ProtocolError.For(message.Error));
        }
    }

    /// <inheritdoc />
    public void WriteFatalError(IBufferWriter<byte> output, ProtocolError error)
    {
        TextbookCodec.WriteError(output, error);
        _observer.RequestRejected(_connection, error);
    }

    /// <inheritdoc />
    public void WriteShutdown(IBufferWriter<byte> output)
    {
        // The textbook dialogue has no goodbye: closing the socket is all a textbook client understands.
    }

    private SessionStatus Reject(IBufferWriter<byte> output, ProtocolError error)
    {
        WriteFatalError(output, error);
        return error.ClosesConnection ? SessionStatus.Close(CloseReason.ProtocolError) : SessionStatus.Open;
    }
}
