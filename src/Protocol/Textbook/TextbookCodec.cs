using System.Buffers;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Wire;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Textbook;

/// <summary>
/// Reads and writes the textbook dialect. It has no delimiters: like the textbook's
/// <c>recv(1024)</c>, a message is whatever bytes are waiting when a read completes, which is
/// safe only because both sides work in lockstep (one message in flight). ASCII whitespace around
/// a number is ignored, as Python's <c>int()</c> ignores it.
/// </summary>
public sealed class TextbookCodec
{
    private readonly ProtocolLimits _limits;

    /// <summary>Creates a codec that enforces <paramref name="limits"/>.</summary>
    public TextbookCodec(ProtocolLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        _limits = limits;
    }

    /// <summary>The limits this codec enforces.</summary>
    public ProtocolLimits Limits => _limits;

    /// <summary>
    /// Takes the client's greeting from the front of <paramref name="buffer"/>, with any whitespace
    /// right after it (a terminal's newline). Returns false, leaving the buffer as it was, until all of
    /// <c>Hi there!</c> has arrived; call it only after <see cref="DialectDetector"/> chose this dialect.
    /// </summary>
    public static bool TryReadGreeting(ref ReadOnlySequence<byte> buffer)
    {
        ReadOnlySpan<byte> greeting = TextbookSyntax.ClientGreeting;
        if (buffer.Length < greeting.Length)
        {
            return false;
        }

        var reader = new SequenceReader<byte>(buffer);
        if (!reader.IsNext(greeting, advancePast: true))
        {
            throw new InvalidOperationException("The buffer does not start with the textbook greeting.");
        }

        reader.AdvancePastAny(TextbookSyntax.Whitespace);
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    /// <summary>
    /// Takes the one request that <paramref name="buffer"/> holds: all of it. Returns false for an
    /// empty buffer. A message longer than the line limit yields <see cref="ErrorCode.LineTooLong"/>
    /// and is not consumed (the connection must close).
    /// </summary>
    public bool TryParseRequest(ref ReadOnlySequence<byte> buffer, out ClientMessage message)
    {
        if (buffer.IsEmpty)
        {
            message = default;
            return false;
        }

        if (buffer.Length > _limits.MaxLineLength)
        {
            message = ClientMessage.ForInvalid(ErrorCode.LineTooLong);
            return true;
        }

        ReadOnlySequence<byte> text = TrimWhitespace(buffer);
        buffer = buffer.Slice(buffer.End);
        if (StartsWith(text, TextbookSyntax.ClientGreeting) && text.Length == TextbookSyntax.ClientGreeting.Length)
        {
            message = ClientMessage.ForHello([]);
            return true;
        }

        ErrorCode error = IntegerText.TryParse(text, _limits.MaxDigits, out ProtocolInteger value);
        message = error == ErrorCode.None ? ClientMessage.ForNumber(value) : ClientMessage.ForInvalid(error);
        return true;
    }

    /// <summary>
    /// Decides whether <paramref name="received"/> is a whole reply to a request whose square should be
    /// <paramref name="expectedSquare"/>. Because the dialect has no delimiter, digits that are a proper
    /// prefix of the expected square mean the rest is still on its way (false: read more); anything
    /// else is judged as it stands.
    /// </summary>
    public bool TryParseReply(ReadOnlySpan<byte> received, ReadOnlySpan<byte> expectedSquare, out ServerMessage message)
    {
        ReadOnlySpan<byte> text = received.Trim(TextbookSyntax.Whitespace);
        if (text.StartsWith(TextbookSyntax.ErrorPrefix))
        {
            message = ParseError(text);
            return true;
        }

        // "E", "ER", "ERR": the start of an error reply whose rest is still on its way.
        if (!text.IsEmpty && text.Length < TextbookSyntax.ErrorPrefix.Length && TextbookSyntax.ErrorPrefix.StartsWith(text))
        {
            message = default;
            return false;
        }

        if (text.Length < expectedSquare.Length && expectedSquare.StartsWith(text) && received.Length == text.Length)
        {
            message = default;
            return false;
        }

        ErrorCode error = IntegerText.TryParse(text, _limits.MaxReplyLineLength, out ProtocolInteger square);
        message = error == ErrorCode.None
            ? ServerMessage.ForSquare(square)
            : ServerMessage.ForInvalid(error, WireWriter.ReadPrintable(text.Length <= 80 ? text : text[..80]));
        return true;
    }

    /// <summary>Writes the client's greeting.</summary>
    public static void WriteGreeting(IBufferWriter<byte> writer) => WireWriter.Write(writer, TextbookSyntax.ClientGreeting);

    /// <summary>Writes the server's answer to the greeting.</summary>
    public static void WriteGreetingReply(IBufferWriter<byte> writer) => WireWriter.Write(writer, TextbookSyntax.ServerGreeting);

    /// <summary>Writes a bare integer: a request (client) or a square (server).</summary>
    public static void WriteNumber(IBufferWriter<byte> writer, in ProtocolInteger value) => WireWriter.Write(writer, value);

    /// <summary>Writes <c>ERR &lt;code&gt; &lt;text&gt;</c> with no terminator, as the dialect has none.</summary>
    public static void WriteError(IBufferWriter<byte> writer, in ProtocolError error)
    {
        WireWriter.Write(writer, TextbookSyntax.ErrorPrefix);
        WireWriter.Write(writer, (int)error.Code);
        WireWriter.Write(writer, (byte)' ');
        WireWriter.WritePrintable(writer, error.Text);
    }

    private static ServerMessage ParseError(ReadOnlySpan<byte> text)
    {
        ReadOnlySpan<byte> rest = text[TextbookSyntax.ErrorPrefix.Length..];
        int space = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> codeText = space < 0 ? rest : rest[..space];
        if (IntegerText.TryParse(codeText, 3, out ProtocolInteger code) != ErrorCode.None || !code.TryGetInt64(out long number))
        {
            return ServerMessage.ForInvalid(ErrorCode.NotAnInteger, WireWriter.ReadPrintable(text));
        }

        string detail = space < 0 ? string.Empty : WireWriter.ReadPrintable(rest[(space + 1)..]);
        return ServerMessage.ForError(new ProtocolError((ErrorCode)number, detail));
    }

    private static bool StartsWith(in ReadOnlySequence<byte> text, ReadOnlySpan<byte> prefix) =>
        new SequenceReader<byte>(text).IsNext(prefix);

    private static ReadOnlySequence<byte> TrimWhitespace(in ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        reader.AdvancePastAny(TextbookSyntax.Whitespace);
        ReadOnlySequence<byte> rest = buffer.Slice(reader.Position);

        // Walk back over trailing whitespace; messages are bounded by the line limit.
        long end = rest.Length;
        while (end > 0 && IsWhitespace(rest.Slice(end - 1, 1).FirstSpan[0]))
        {
            end--;
        }

        return rest.Slice(0, end);
    }

    private static bool IsWhitespace(byte b) => TextbookSyntax.Whitespace.Contains(b);
}
