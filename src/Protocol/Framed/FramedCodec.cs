using System.Buffers;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Wire;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Framed;

/// <summary>
/// Reads and writes the framed dialect: LF-terminated ASCII lines. Parsing takes whole lines from the
/// front of a <see cref="ReadOnlySequence{T}"/> and never assumes one read is one message; writing goes
/// to an <see cref="IBufferWriter{T}"/>. Pure: no I/O, no state beyond the limits.
/// </summary>
public sealed partial class FramedCodec
{
    // Lines are copied to the stack when split across segments and no longer than this.
    private const int StackLimit = 256;

    // Keeps an invalid line quoted in an error short enough for one log line.
    private const int MaxQuotedLength = 80;

    private readonly ProtocolLimits _limits;

    /// <summary>Creates a codec that enforces <paramref name="limits"/>.</summary>
    public FramedCodec(ProtocolLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        _limits = limits;
    }

    /// <summary>The limits this codec enforces.</summary>
    public ProtocolLimits Limits => _limits;

    /// <summary>
    /// Takes one client line from the front of <paramref name="buffer"/>. Returns false when more bytes
    /// are needed (the buffer is untouched: consume nothing, examine everything). Returns true with a
    /// message otherwise; the buffer is advanced past the line, except for a line that is too long,
    /// which is reported as <see cref="ClientMessageKind.Invalid"/> with <see cref="ErrorCode.LineTooLong"/>.
    /// </summary>
    public bool TryParseClientMessage(ref ReadOnlySequence<byte> buffer, out ClientMessage message)
    {
        switch (LineFramer.TryReadLine(ref buffer, _limits.MaxLineLength, out ReadOnlySequence<byte> line))
        {
            case LineStatus.Incomplete:
                message = default;
                return false;
            case LineStatus.TooLong:
                message = ClientMessage.ForInvalid(ErrorCode.LineTooLong);
                return true;
            default:
                message = WithContiguous(line, this, static (codec, span) => codec.ParseClientLine(span));
                return true;
        }
    }

    /// <summary>
    /// Takes one server line from the front of <paramref name="buffer"/>, with the same contract as
    /// <see cref="TryParseClientMessage"/>. Squares may be up to twice as long as requests.
    /// </summary>
    public bool TryParseServerMessage(ref ReadOnlySequence<byte> buffer, out ServerMessage message)
    {
        switch (LineFramer.TryReadLine(ref buffer, _limits.MaxReplyLineLength, out ReadOnlySequence<byte> line))
        {
            case LineStatus.Incomplete:
                message = default;
                return false;
            case LineStatus.TooLong:
                message = ServerMessage.ForInvalid(ErrorCode.LineTooLong, string.Empty);
                return true;
            default:
                message = WithContiguous(line, this, static (codec, span) => codec.ParseServerLine(span));
                return true;
        }
    }

    /// <summary>Writes <c>HELLO squares/&lt;v&gt;[,&lt;v&gt;…]</c>.</summary>
    public static void WriteHello(IBufferWriter<byte> writer, IReadOnlyList<int> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        if (versions.Count == 0)
        {
            throw new ArgumentException("Offer at least one version.", nameof(versions));
        }

        WireWriter.Write(writer, FramedSyntax.Hello);
        WireWriter.Write(writer, FramedSyntax.ProtocolPrefix);
        for (int i = 0; i < versions.Count; i++)
        {
            if (i > 0)
            {
                WireWriter.Write(writer, (byte)',');
            }

            WireWriter.Write(writer, versions[i]);
        }

        WireWriter.Write(writer, (byte)'\n');
    }

    /// <summary>Writes <c>WELCOME squares/&lt;v&gt; max-digits=&lt;n&gt; max-line=&lt;n&gt;</c>.</summary>
    public void WriteWelcome(IBufferWriter<byte> writer, int version)
    {
        WireWriter.Write(writer, FramedSyntax.Welcome);
        WireWriter.Write(writer, FramedSyntax.ProtocolPrefix);
        WireWriter.Write(writer, version);
        WireWriter.Write(writer, " max-digits="u8);
        WireWriter.Write(writer, _limits.MaxDigits);
        WireWriter.Write(writer, " max-line="u8);
        WireWriter.Write(writer, _limits.MaxLineLength);
        WireWriter.Write(writer, (byte)'\n');
    }

    /// <summary>The line <see cref="WriteWelcome"/> writes, as text without its line end (once per connection, for events).</summary>
    public string WelcomeText(int version)
    {
        var line = new ArrayBufferWriter<byte>(64);
        WriteWelcome(line, version);
        return System.Text.Encoding.ASCII.GetString(line.WrittenSpan[..^1]);
    }

    /// <summary>Writes an integer on a line of its own: a request (client) or a square (server).</summary>
    public static void WriteNumber(IBufferWriter<byte> writer, in ProtocolInteger value)
    {
        WireWriter.Write(writer, value);
        WireWriter.Write(writer, (byte)'\n');
    }

    /// <summary>Writes <c>ERR &lt;code&gt; &lt;text&gt;</c>.</summary>
    public static void WriteError(IBufferWriter<byte> writer, in ProtocolError error)
    {
        WireWriter.Write(writer, FramedSyntax.Error);
        WireWriter.Write(writer, (int)error.Code);
        if (!string.IsNullOrEmpty(error.Text))
        {
            WireWriter.Write(writer, (byte)' ');
            WireWriter.WritePrintable(writer, error.Text);
        }

        WireWriter.Write(writer, (byte)'\n');
    }

    /// <summary>Writes the client's <c>BYE</c>.</summary>
    public static void WriteClientGoodbye(IBufferWriter<byte> writer)
    {
        WireWriter.Write(writer, FramedSyntax.Bye);
        WireWriter.Write(writer, (byte)'\n');
    }

    /// <summary>Writes the server's <c>BYE &lt;count&gt; [reason]</c>.</summary>
    public static void WriteServerGoodbye(IBufferWriter<byte> writer, long count, string? reason)
    {
        WireWriter.Write(writer, FramedSyntax.Bye);
        WireWriter.Write(writer, (byte)' ');
        WireWriter.Write(writer, count);
        if (!string.IsNullOrEmpty(reason))
        {
            WireWriter.Write(writer, (byte)' ');
            WireWriter.WritePrintable(writer, reason);
        }

        WireWriter.Write(writer, (byte)'\n');
    }
}
