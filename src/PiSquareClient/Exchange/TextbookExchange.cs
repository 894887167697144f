using System.Buffers;
using IotSquares.CommandLine;
using IotSquares.Protocol;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Textbook;
using IotSquares.Protocol.Wire;

namespace IotSquares.Client.Exchange;

/// <summary>
/// The textbook dialect, client side: the greeting, then one integer at a time, each reply read
/// until it is complete (the dialect has no delimiter, so the expected square's length tells).
/// </summary>
internal sealed class TextbookExchange
{
    private readonly ClientConnection _connection;
    private readonly TextbookCodec _codec;
    private readonly ProtocolLimits _limits;

    public TextbookExchange(ClientConnection connection, ProtocolLimits limits)
    {
        _connection = connection;
        _limits = limits;
        _codec = new TextbookCodec(limits);
    }

    /// <summary>Sends <c>Hi there!</c>.</summary>
    public async Task SendGreetingAsync(CancellationToken cancellationToken)
    {
        TextbookCodec.WriteGreeting(_connection.Writer);
        await _connection.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Waits for the server's answer to a greeting and tells which dialect it is in. The textbook's
    /// fixed text is consumed; a framed line (<c>WELCOME</c>, or a refusal such as <c>ERR 503</c>) is
    /// left in the buffer for <see cref="FramedExchange.ReadWelcomeAsync"/>.
    /// </summary>
    public async Task<ServerGreetingKind> ReadGreetingKindAsync(CancellationToken cancellationToken) =>
        await _connection.ReadMessageAsync<ServerGreetingKind>(ParseGreeting, "greeting", cancellationToken);

    /// <summary>Sends each request and waits for its square before the next, as the textbook does.</summary>
    public async Task ExchangeAsync(RequestSequence requests, long first, ReplyVerifier verifier, CancellationToken cancellationToken)
    {
        byte[] expected = new byte[64];
        for (long index = first; index < requests.Count; index++)
        {
            ProtocolInteger value = requests[index];
            TextbookCodec.WriteNumber(_connection.Writer, value);
            await _connection.FlushAsync(cancellationToken);

            ProtocolInteger square = value.Square();
            if (expected.Length < square.MaxFormattedLength)
            {
                expected = new byte[square.MaxFormattedLength];
            }

            square.TryFormat(expected, out int length);
            ReadOnlyMemory<byte> expectedText = expected.AsMemory(0, length);
            ServerMessage reply = await _connection.ReadMessageAsync(
                (ref ReadOnlySequence<byte> buffer, out ServerMessage message) => ParseReply(ref buffer, expectedText.Span, out message),
                "reply",
                cancellationToken);
            verifier.Verify(index, reply);
            verifier.ReportVerified(); // One reply per round trip: a batch of one.
        }
    }

    private bool ParseReply(ref ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> expectedSquare, out ServerMessage message)
    {
        if (buffer.Length > _limits.MaxReplyLineLength)
        {
            throw ExchangeFailedException.Transient(ClientExitCodes.ProtocolError, $"the server's reply is longer than {CountText.Of(_limits.MaxReplyLineLength, "byte", "bytes")}");
        }

        // A reply nearly always sits in one segment; only a split one is copied.
        ReadOnlySpan<byte> received = buffer.IsSingleSegment ? buffer.FirstSpan : buffer.ToArray();
        if (!_codec.TryParseReply(received, expectedSquare, out message))
        {
            return false;
        }

        buffer = buffer.Slice(buffer.End);
        return true;
    }

    private static bool ParseGreeting(ref ReadOnlySequence<byte> buffer, out ServerGreetingKind kind)
    {
        kind = ServerGreetingDetector.Detect(buffer);
        switch (kind)
        {
            case ServerGreetingKind.NeedMoreData:
                return false;
            case ServerGreetingKind.Textbook:
                buffer = buffer.Slice(TextbookSyntax.ServerGreeting.Length);
                return true;
            case ServerGreetingKind.Framed:
                return true;
            default:
                string text = WireWriter.ReadPrintable(buffer.Slice(0, Math.Min(buffer.Length, 80)).ToArray());
                throw ExchangeFailedException.Transient(ClientExitCodes.ProtocolError, $"unexpected greeting from the server: '{text}'");
        }
    }
}
