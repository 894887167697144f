using System.Buffers;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Framed;

public class FramedCodecTests
{
    private readonly FramedCodec _codec = new(ProtocolLimits.Default);

    [Theory]
    [InlineData("abc", ErrorCode.NotAnInteger)]
    [InlineData("12a", ErrorCode.NotAnInteger)]
    [InlineData("-", ErrorCode.NotAnInteger)]
    [InlineData("+", ErrorCode.NotAnInteger)]
    [InlineData("--5", ErrorCode.NotAnInteger)]
    [InlineData(" 5", ErrorCode.NotAnInteger)]
    [InlineData("5 ", ErrorCode.NotAnInteger)]
    [InlineData("1 2", ErrorCode.NotAnInteger)]
    [InlineData("1.5", ErrorCode.NotAnInteger)]
    [InlineData("0x10", ErrorCode.NotAnInteger)]
    [InlineData("bye", ErrorCode.NotAnInteger)]
    [InlineData("BYE ", ErrorCode.NotAnInteger)]
    [InlineData("HELLO", ErrorCode.NotAnInteger)]
    [InlineData("hello squares/1", ErrorCode.NotAnInteger)]
    [InlineData("", ErrorCode.EmptyRequest)]
    [InlineData("\u0000", ErrorCode.InvalidCharacters)]
    [InlineData("12\u0000", ErrorCode.InvalidCharacters)]
    [InlineData("\u00FF", ErrorCode.InvalidCharacters)]
    [InlineData("5\u00FF", ErrorCode.InvalidCharacters)]
    [InlineData("\u00C3\u0028", ErrorCode.InvalidCharacters)]
    [InlineData("\u00E2\u0082", ErrorCode.InvalidCharacters)]
    [InlineData("\t", ErrorCode.InvalidCharacters)]
    [InlineData("1\t2", ErrorCode.InvalidCharacters)]
    [InlineData("\t5", ErrorCode.InvalidCharacters)]
    [InlineData("12\u007F", ErrorCode.InvalidCharacters)]
    [InlineData("\u001B[2J", ErrorCode.InvalidCharacters)]
    public void A_bad_request_line_is_invalid_with_its_code(string line, ErrorCode expected)
    {
        ClientMessage message = ParseClient(line + "\n");

        Assert.Equal(ClientMessageKind.Invalid, message.Kind);
        Assert.Equal(expected, message.Error);
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("-0", "0")]
    [InlineData("+12", "12")]
    [InlineData("007", "7")]
    [InlineData("-5", "-5")]
    [InlineData("9223372036854775807", "9223372036854775807")]
    [InlineData("-9223372036854775808", "-9223372036854775808")]
    [InlineData("9223372036854775808", "9223372036854775808")]
    [InlineData(TestNumbers.Sixty, TestNumbers.Sixty)]
    [InlineData("-" + TestNumbers.Sixty, "-" + TestNumbers.Sixty)]
    [InlineData("000000000000000000000000000000000000000042", "42")]
    public void A_number_line_is_a_request(string line, string expected)
    {
        ClientMessage message = ParseClient(line + "\n");

        Assert.Equal(ClientMessageKind.Number, message.Kind);
        Assert.Equal(expected, message.Number.ToString());
        Assert.Equal(ErrorCode.None, message.Error);
    }

    [Theory]
    [InlineData("HELLO squares/1", "1")]
    [InlineData("HELLO squares/1,2", "1,2")]
    [InlineData("HELLO squares/2,1 future=yes and more", "2,1")]
    [InlineData("HELLO squares/007", "7")]
    [InlineData("HELLO foo", null)]
    [InlineData("HELLO squares", null)]
    [InlineData("HELLO squares/", null)]
    [InlineData("HELLO squares/1,", null)]
    [InlineData("HELLO squares/1,,2", null)]
    [InlineData("HELLO squares/0", null)]
    [InlineData("HELLO squares/-1", null)]
    [InlineData("HELLO squares/x", null)]
    [InlineData("HELLO squares/1234567890", null)]
    [InlineData("HELLO  squares/1", null)]
    [InlineData("HELLO ", null)]
    [InlineData("HELLO cubes/1", null)]
    public void A_greeting_offers_versions_or_is_malformed(string line, string? versions)
    {
        ClientMessage message = ParseClient(line + "\n");

        Assert.Equal(ClientMessageKind.Hello, message.Kind);
        Assert.Equal(versions, message.OfferedVersions is null ? null : string.Join(",", message.OfferedVersions));
    }

    [Fact]
    public void Bye_is_a_goodbye()
    {
        Assert.Equal(ClientMessageKind.Goodbye, ParseClient("BYE\n").Kind);
        Assert.Equal(ClientMessageKind.Goodbye, ParseClient("BYE\r\n").Kind);
    }

    [Fact]
    public void Nothing_is_taken_before_the_line_feed()
    {
        ReadOnlySequence<byte> buffer = Sequences.Create(Sequences.Bytes("12"), Sequences.Bytes("34\r"));

        Assert.False(_codec.TryParseClientMessage(ref buffer, out _));
        Assert.False(_codec.TryParseServerMessage(ref buffer, out _));
        Assert.Equal("1234\r", Sequences.Text(buffer));
    }

    [Theory]
    [InlineData("25", "Square 25")]
    [InlineData("0", "Square 0")]
    [InlineData("WELCOME squares/1 max-digits=4096 max-line=8192", "Welcome 1 max-digits=4096 max-line=8192")]
    [InlineData("WELCOME squares/1", "Welcome 1 max-digits= max-line=")]
    [InlineData("WELCOME squares/3 future=x max-line=300 max-digits=bad", "Welcome 3 max-digits= max-line=300")]
    [InlineData("WELCOME squares/x", "Invalid 502 [WELCOME squares/x]")]
    [InlineData("WELCOME ", "Invalid 502 [WELCOME ]")]
    [InlineData("WELCOME cubes/1", "Invalid 502 [WELCOME cubes/1]")]
    [InlineData("ERR 400 not an integer", "Error 400 not an integer")]
    [InlineData("ERR 501", "Error 501 ")]
    [InlineData("ERR 503 server busy", "Error 503 server busy")]
    [InlineData("ERR 40", "Invalid 400 [ERR 40]")]
    [InlineData("ERR 4000 x", "Invalid 400 [ERR 4000 x]")]
    [InlineData("ERR abc x", "Invalid 400 [ERR abc x]")]
    [InlineData("ERR -12 x", "Invalid 400 [ERR -12 x]")]
    [InlineData("ERR +40 x", "Invalid 400 [ERR +40 x]")]
    [InlineData("ERR 4 0 x", "Invalid 400 [ERR 4 0 x]")]
    [InlineData("ERR 400x", "Invalid 400 [ERR 400x]")]
    [InlineData("ERR  400 x", "Invalid 400 [ERR  400 x]")]
    [InlineData("ERR 400 bad\u0001text", "Error 400 bad?text")]
    [InlineData("BYE 3", "Goodbye 3")]
    [InlineData("BYE 3 server shutting down", "Goodbye 3 reason=server shutting down")]
    [InlineData("BYE", "Invalid 400 [BYE]")]
    [InlineData("BYE x", "Invalid 400 [BYE x]")]
    [InlineData("BYE -1", "Invalid 400 [BYE -1]")]
    [InlineData("HELLO squares/1", "Invalid 400 [HELLO squares/1]")]
    [InlineData("", "Invalid 400 []")]
    [InlineData("12a", "Invalid 400 [12a]")]
    [InlineData("1\u00002", "Invalid 403 [1?2]")]
    public void Server_lines_parse_to_their_messages(string line, string expected)
    {
        var buffer = new ReadOnlySequence<byte>(Sequences.Bytes(line + "\n"));

        Assert.True(_codec.TryParseServerMessage(ref buffer, out ServerMessage message));
        Assert.Equal(expected, Describe.Server(message));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void An_invalid_server_line_is_quoted_at_most_80_characters()
    {
        string line = "X" + new string('y', 200);
        var buffer = new ReadOnlySequence<byte>(Sequences.Bytes(line + "\n"));

        Assert.True(_codec.TryParseServerMessage(ref buffer, out ServerMessage message));
        Assert.Equal(ServerMessageKind.Invalid, message.Kind);
        Assert.Equal(line[..80], message.Text);
    }

    [Fact]
    public void Writers_produce_the_exact_bytes()
    {
        Assert.Equal("HELLO squares/1\n", Write(static w => FramedCodec.WriteHello(w, [1])));
        Assert.Equal("HELLO squares/1,2\n", Write(static w => FramedCodec.WriteHello(w, [1, 2])));
        Assert.Equal("WELCOME squares/1 max-digits=4096 max-line=8192\n", Write(w => _codec.WriteWelcome(w, 1)));
        Assert.Equal("-5\n", Write(static w => FramedCodec.WriteNumber(w, new ProtocolInteger(-5))));
        Assert.Equal(TestNumbers.Sixty + "\n", Write(static w => FramedCodec.WriteNumber(w, System.Numerics.BigInteger.Parse(TestNumbers.Sixty, System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal("ERR 400 not an integer\n", Write(static w => FramedCodec.WriteError(w, ProtocolError.For(ErrorCode.NotAnInteger))));
        Assert.Equal("ERR 500\n", Write(static w => FramedCodec.WriteError(w, new ProtocolError(ErrorCode.InternalError, string.Empty))));
        Assert.Equal("ERR 500 bad?text?\n", Write(static w => FramedCodec.WriteError(w, new ProtocolError(ErrorCode.InternalError, "bad\ntext\u00E9"))));
        Assert.Equal("BYE\n", Write(static w => FramedCodec.WriteClientGoodbye(w)));
        Assert.Equal("BYE 3\n", Write(static w => FramedCodec.WriteServerGoodbye(w, 3, null)));
        Assert.Equal("BYE 0\n", Write(static w => FramedCodec.WriteServerGoodbye(w, 0, string.Empty)));
        Assert.Equal("BYE 7 server shutting down\n", Write(static w => FramedCodec.WriteServerGoodbye(w, 7, FramedSyntax.ShutdownReason)));
    }

    [Fact]
    public void A_greeting_must_offer_a_version()
    {
        Assert.Throws<ArgumentException>(() => Write(static w => FramedCodec.WriteHello(w, [])));
    }

    [Fact]
    public void What_the_writers_write_the_parsers_read_back()
    {
        var limits = new ProtocolLimits { MaxDigits = 300, MaxLineLength = 400 };
        var codec = new FramedCodec(limits);
        var output = new ArrayBufferWriter<byte>();
        FramedCodec.WriteHello(output, [1, 2, 3]);
        FramedCodec.WriteNumber(output, new ProtocolInteger(-12));
        FramedCodec.WriteClientGoodbye(output);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        var client = new List<string>();
        while (codec.TryParseClientMessage(ref buffer, out ClientMessage message))
        {
            client.Add(Describe.Client(message));
        }

        output = new ArrayBufferWriter<byte>();
        codec.WriteWelcome(output, 1);
        FramedCodec.WriteNumber(output, new ProtocolInteger(144));
        FramedCodec.WriteError(output, ProtocolError.For(ErrorCode.TooManyDigits));
        FramedCodec.WriteServerGoodbye(output, 1, null);
        FramedCodec.WriteServerGoodbye(output, 1, FramedSyntax.ShutdownReason);
        buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        var server = new List<string>();
        while (codec.TryParseServerMessage(ref buffer, out ServerMessage message))
        {
            server.Add(Describe.Server(message));
        }

        Assert.Equal(["Hello 1,2,3", "Number -12", "Goodbye"], client);
        Assert.Equal(
            ["Welcome 1 max-digits=300 max-line=400", "Square 144", "Error 402 too many digits", "Goodbye 1", "Goodbye 1 reason=server shutting down"],
            server);
    }

    [Fact]
    public void The_codec_refuses_contradictory_limits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FramedCodec(new ProtocolLimits { MaxDigits = 500, MaxLineLength = 200 }));
        Assert.Throws<ArgumentNullException>(() => new FramedCodec(null!));
    }

    [Theory]
    [InlineData(new[] { 1 }, 1)]
    [InlineData(new[] { 1, 2, 3 }, 1)]
    [InlineData(new[] { 3, 2 }, null)]
    [InlineData(new int[0], null)]
    public void Negotiation_picks_the_highest_common_version(int[] offered, int? expected)
    {
        Assert.Equal(expected, VersionNegotiation.Choose(offered, FramedSyntax.OldestVersion, FramedSyntax.CurrentVersion));
    }

    [Fact]
    public void Negotiation_takes_the_highest_in_range()
    {
        Assert.Equal(3, VersionNegotiation.Choose([5, 1, 3, 2], 1, 4));
        Assert.Null(VersionNegotiation.Choose([5, 6], 1, 4));
    }

    private ClientMessage ParseClient(string wire)
    {
        var buffer = new ReadOnlySequence<byte>(Sequences.Bytes(wire));
        Assert.True(_codec.TryParseClientMessage(ref buffer, out ClientMessage message));
        Assert.True(buffer.IsEmpty);
        return message;
    }

    private static string Write(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return Sequences.Text(output.WrittenSpan);
    }
}
