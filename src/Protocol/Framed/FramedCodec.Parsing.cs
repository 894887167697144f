using System.Buffers;
using System.Buffers.Text;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Wire;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Framed;

// The parsing half of the codec: one line, already framed and contiguous, into a message.
public sealed partial class FramedCodec
{
    private ClientMessage ParseClientLine(ReadOnlySpan<byte> line)
    {
        // Requests come first: they are nearly every line a server reads.
        if (!line.IsEmpty && IsNumberStart(line[0]))
        {
            ErrorCode error = IntegerText.TryParse(line, _limits.MaxDigits, out ProtocolInteger value);
            return error == ErrorCode.None ? ClientMessage.ForNumber(value) : ClientMessage.ForInvalid(error);
        }

        if (line.SequenceEqual(FramedSyntax.Bye))
        {
            return ClientMessage.ForGoodbye();
        }

        if (line.StartsWith(FramedSyntax.Hello))
        {
            return ClientMessage.ForHello(ParseVersionOffer(line[FramedSyntax.Hello.Length..]));
        }

        // Not a command: let the integer parser name what is wrong with it (empty, bad bytes, syntax).
        ErrorCode reason = IntegerText.TryParse(line, _limits.MaxDigits, out _);
        return ClientMessage.ForInvalid(reason == ErrorCode.None ? ErrorCode.NotAnInteger : reason);
    }

    private ServerMessage ParseServerLine(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && IsNumberStart(line[0]))
        {
            ErrorCode error = IntegerText.TryParse(line, _limits.MaxReplyLineLength, out ProtocolInteger square);
            return error == ErrorCode.None ? ServerMessage.ForSquare(square) : ServerMessage.ForInvalid(error, Quote(line));
        }

        if (line.StartsWith(FramedSyntax.Error))
        {
            return ParseError(line[FramedSyntax.Error.Length..], line);
        }

        if (line.StartsWith(FramedSyntax.Bye))
        {
            return ParseServerGoodbye(line[FramedSyntax.Bye.Length..], line);
        }

        if (line.StartsWith(FramedSyntax.Welcome))
        {
            return ParseWelcome(line[FramedSyntax.Welcome.Length..], line);
        }

        return ServerMessage.ForInvalid(ErrorCode.NotAnInteger, Quote(line));
    }

    private static List<int>? ParseVersionOffer(ReadOnlySpan<byte> rest)
    {
        // "squares/1,2 anything-else": words after the first are for future extensions and ignored.
        int space = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> word = space < 0 ? rest : rest[..space];
        if (!word.StartsWith(FramedSyntax.ProtocolPrefix))
        {
            return null;
        }

        var versions = new List<int>();
        ReadOnlySpan<byte> list = word[FramedSyntax.ProtocolPrefix.Length..];
        foreach (Range range in list.Split((byte)','))
        {
            if (!TryParseVersion(list[range], out int version))
            {
                return null;
            }

            versions.Add(version);
        }

        return versions;
    }

    private static ServerMessage ParseWelcome(ReadOnlySpan<byte> rest, ReadOnlySpan<byte> line)
    {
        int version = 0;
        int? maxDigits = null;
        int? maxLine = null;
        bool first = true;
        foreach (Range range in rest.Split((byte)' '))
        {
            ReadOnlySpan<byte> word = rest[range];
            if (first)
            {
                first = false;
                if (!word.StartsWith(FramedSyntax.ProtocolPrefix) ||
                    !TryParseVersion(word[FramedSyntax.ProtocolPrefix.Length..], out version))
                {
                    return ServerMessage.ForInvalid(ErrorCode.HandshakeRequired, Quote(line));
                }

                continue;
            }

            // Unknown parameters are skipped so that newer servers can announce more.
            int equals = word.IndexOf((byte)'=');
            if (equals > 0 && Utf8Parser.TryParse(word[(equals + 1)..], out int number, out int used) && used == word.Length - equals - 1)
            {
                ReadOnlySpan<byte> key = word[..equals];
                if (key.SequenceEqual("max-digits"u8))
                {
                    maxDigits = number;
                }
                else if (key.SequenceEqual("max-line"u8))
                {
                    maxLine = number;
                }
            }
        }

        return ServerMessage.ForWelcome(version, new ServerParameters(maxDigits, maxLine));
    }

    private static ServerMessage ParseError(ReadOnlySpan<byte> rest, ReadOnlySpan<byte> line)
    {
        // code = 3DIGIT: Utf8Parser alone would also take a sign ("ERR -12").
        if (rest.Length < 3 || rest[..3].IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0 ||
            !Utf8Parser.TryParse(rest[..3], out int code, out int used) || used != 3 ||
            (rest.Length > 3 && rest[3] != (byte)' '))
        {
            return ServerMessage.ForInvalid(ErrorCode.NotAnInteger, Quote(line));
        }

        string text = rest.Length > 4 ? Printable(rest[4..]) : string.Empty;
        return ServerMessage.ForError(new ProtocolError((ErrorCode)code, text));
    }

    private static ServerMessage ParseServerGoodbye(ReadOnlySpan<byte> rest, ReadOnlySpan<byte> line)
    {
        // "BYE <count>" or "BYE <count> <reason>".
        if (rest.IsEmpty || rest[0] != (byte)' ')
        {
            return ServerMessage.ForInvalid(ErrorCode.NotAnInteger, Quote(line));
        }

        rest = rest[1..];
        int space = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> countText = space < 0 ? rest : rest[..space];
        if (!Utf8Parser.TryParse(countText, out long count, out int used) || used != countText.Length || count < 0)
        {
            return ServerMessage.ForInvalid(ErrorCode.NotAnInteger, Quote(line));
        }

        string? reason = space < 0 ? null : Printable(rest[(space + 1)..]);
        return ServerMessage.ForGoodbye(count, reason);
    }

    private static bool TryParseVersion(ReadOnlySpan<byte> text, out int version) =>
        Utf8Parser.TryParse(text, out version, out int used) && used == text.Length && text.Length is > 0 and <= 9 &&
        text.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0 && version > 0;

    private static bool IsNumberStart(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'+';

    private static string Printable(ReadOnlySpan<byte> bytes) => WireWriter.ReadPrintable(bytes);

    private static string Quote(ReadOnlySpan<byte> line) =>
        Printable(line.Length <= MaxQuotedLength ? line : line[..MaxQuotedLength]);

    private static T WithContiguous<T>(in ReadOnlySequence<byte> line, FramedCodec codec, Func<FramedCodec, ReadOnlySpan<byte>, T> parse)
    {
        if (line.IsSingleSegment)
        {
            return parse(codec, line.FirstSpan);
        }

        int length = (int)line.Length;
        byte[]? rented = null;
        Span<byte> copy = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            line.CopyTo(copy);
            return parse(codec, copy[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
