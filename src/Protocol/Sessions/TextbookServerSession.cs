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
public sealed class TextbookServerSession : ServerSession
{
    private readonly TextbookCodec _codec;

    /// <summary>Creates the session for one connection.</summary>
    public TextbookServerSession(TextbookCodec codec, ConnectionInfo connection, IExchangeObserver observer)
        : base(connection, observer)
    {
        ArgumentNullException.ThrowIfNull(codec);
        _codec = codec;
    }

    /// <inheritdoc />
    public override Dialect Dialect => Dialect.Textbook;

    /// <inheritdoc />
    public override SessionStatus Process(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output)
    {
        if (!IsHandshakeComplete)
        {
            if (!TextbookCodec.TryReadGreeting(ref buffer))
            {
                return SessionStatus.Open;
            }

            TextbookCodec.WriteGreetingReply(output);
            CompleteHandshake(version: 0, TextbookSyntax.ServerGreetingText);
        }

        if (!_codec.TryParseRequest(ref buffer, out ClientMessage message))
        {
            return SessionStatus.Open;
        }

        return message.Kind switch
        {
            ClientMessageKind.Number => Serve(message.Number, output),
            ClientMessageKind.Hello => Reject(output, ProtocolError.For(ErrorCode.AlreadyGreeted)),
            _ => Reject(output, ProtocolError.For(message.Error)),
        };
    }

    /// <inheritdoc />
    public override void WriteShutdown(IBufferWriter<byte> output)
    {
        // The textbook dialogue has no goodbye: closing the socket is all a textbook client understands.
    }

    /// <inheritdoc />
    protected override void WriteSquare(IBufferWriter<byte> output, in ProtocolInteger square) => TextbookCodec.WriteNumber(output, square);

    /// <inheritdoc />
    protected override void WriteError(IBufferWriter<byte> output, in ProtocolError error) => TextbookCodec.WriteError(output, error);
}
