using System.Buffers;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Framed;

/// <summary>
/// A parser that assumes one read is one message is the classic bug of stream protocols. These tests
/// deliver every representative stream cut at every point, and one byte per segment, and demand the
/// messages of the unsplit parse.
/// </summary>
public class FramedCodecSplitTests
{
    private static readonly string BigSquare = TestNumbers.SquareOf(TestNumbers.Sixty);

    public static TheoryData<string, string[]> ClientStreams => new()
    {
        { "HELLO squares/1\n", ["Hello 1"] },
        { "HELLO squares/1,2 client=pi extra words\n", ["Hello 1,2"] },
        { "HELLO squares/1\r\n", ["Hello 1"] },
        { "HELLO foo\n", ["Hello malformed"] },
        { "0\n", ["Number 0"] },
        { "5\n", ["Number 5"] },
        { "-5\n", ["Number -5"] },
        { "+7\r\n", ["Number 7"] },
        { "9223372036854775807\n", ["Number 9223372036854775807"] },
        { "-9223372036854775808\n", ["Number -9223372036854775808"] },
        { TestNumbers.Sixty + "\n", ["Number " + TestNumbers.Sixty] },
        { "-" + TestNumbers.Sixty + "\r\n", ["Number -" + TestNumbers.Sixty] },
        { "BYE\n", ["Goodbye"] },
        { "BYE\r\n", ["Goodbye"] },
        { "abc\n", ["Invalid 400"] },
        { "\n", ["Invalid 401"] },
        { "1\u00002\n", ["Invalid 403"] },
        {
            "HELLO squares/1\n1\n-2\r\n" + TestNumbers.Sixty + "\n\nabc\nHELLO squares/1\nBYE\n",
            ["Hello 1", "Number 1", "Number -2", "Number " + TestNumbers.Sixty, "Invalid 401", "Invalid 400", "Hello 1", "Goodbye"]
        },
        { "7\n8", ["Number 7"] },
    };

    public static TheoryData<string, string[]> ServerStreams => new()
    {
        { "WELCOME squares/1 max-digits=4096 max-line=8192\n", ["Welcome 1 max-digits=4096 max-line=8192"] },
        { "WELCOME squares/1\r\n", ["Welcome 1 max-digits= max-line="] },
        { "0\n", ["Square 0"] },
        { "25\n", ["Square 25"] },
        { "-25\n", ["Square -25"] },
        { BigSquare + "\n", ["Square " + BigSquare] },
        { "ERR 400 not an integer\n", ["Error 400 not an integer"] },
        { "ERR 501 line too long\r\n", ["Error 501 line too long"] },
        { "ERR 505 version not supported; this server speaks squares/1\n", ["Error 505 version not supported; this server speaks squares/1"] },
        { "ERR 502\n", ["Error 502 "] },
        { "BYE 3\n", ["Goodbye 3"] },
        { "BYE 0\r\n", ["Goodbye 0"] },
        { "BYE 12 server shutting down\n", ["Goodbye 12 reason=server shutting down"] },
        {
            "WELCOME squares/1 max-digits=100 max-line=200\r\n1\n4\n" + BigSquare + "\nERR 402 too many digits\n9\nBYE 4\n",
            ["Welcome 1 max-digits=100 max-line=200", "Square 1", "Square 4", "Square " + BigSquare, "Error 402 too many digits", "Square 9", "Goodbye 4"]
        },
        { "16\nBYE 1 server", ["Square 16"] },
    };

    [Theory]
    [MemberData(nameof(ClientStreams))]
    public void Client_messages_are_the_same_at_every_split(string wire, string[] expected)
    {
        var codec = new FramedCodec(ProtocolLimits.Default);
        BufferParser<string> parse = ClientParser(codec);
        byte[] data = Sequences.Bytes(wire);

        PipeResult<string> whole = PipeEmulator.FeedWhole(data, parse, StopOnLineTooLong);
        Assert.Equal(expected, whole.Items);
        Assert.Equal(wire[(wire.LastIndexOf('\n') + 1)..], whole.Rest);

        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(data))
        {
            AssertSame(whole, PipeEmulator.Feed(pieces, parse, StopOnLineTooLong), "streamed, " + how);
            AssertSame(whole, PipeEmulator.FeedSegmented(pieces, parse, StopOnLineTooLong), "segmented, " + how);
        }
    }

    [Theory]
    [MemberData(nameof(ServerStreams))]
    public void Server_messages_are_the_same_at_every_split(string wire, string[] expected)
    {
        var codec = new FramedCodec(ProtocolLimits.Default);
        BufferParser<string> parse = ServerParser(codec);
        byte[] data = Sequences.Bytes(wire);

        PipeResult<string> whole = PipeEmulator.FeedWhole(data, parse);
        Assert.Equal(expected, whole.Items);
        Assert.Equal(wire[(wire.LastIndexOf('\n') + 1)..], whole.Rest);

        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(data))
        {
            AssertSame(whole, PipeEmulator.Feed(pieces, parse), "streamed, " + how);
            AssertSame(whole, PipeEmulator.FeedSegmented(pieces, parse), "segmented, " + how);
        }
    }

    [Fact]
    public void Max_digits_is_accepted_and_one_more_is_402_at_every_split_and_the_stream_goes_on()
    {
        var codec = new FramedCodec(new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 });
        string atLimit = TestNumbers.Digits(100);
        string overLimit = TestNumbers.Digits(101);
        byte[] data = Sequences.Bytes($"-{atLimit}\r\n{overLimit}\n5\n");
        string[] expected = ["Number -" + atLimit, "Invalid 402", "Number 5"];

        Assert.Equal(expected, PipeEmulator.FeedWhole(data, ClientParser(codec), StopOnLineTooLong).Items);
        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(data))
        {
            Assert.True(expected.SequenceEqual(PipeEmulator.Feed(pieces, ClientParser(codec), StopOnLineTooLong).Items), how);
        }
    }

    [Fact]
    public void A_line_of_max_line_length_is_parsed_and_one_byte_more_is_501_at_every_split()
    {
        var limits = new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 };
        var codec = new FramedCodec(limits);

        // 128 digits are a whole line (refused for its digits); 129 are a line too long.
        byte[] atLimit = Sequences.Bytes(TestNumbers.Digits(128) + "\r\n7\n");
        byte[] overLimit = Sequences.Bytes(TestNumbers.Digits(129) + "\r\n7\n");
        string[] expectedAtLimit = ["Invalid 402", "Number 7"];
        string[] expectedOverLimit = ["Invalid 501"];

        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(atLimit).Prepend(("whole", new[] { atLimit })))
        {
            PipeResult<string> result = PipeEmulator.Feed(pieces, ClientParser(codec), StopOnLineTooLong);
            Assert.True(expectedAtLimit.SequenceEqual(result.Items), $"{how}: {string.Join("|", result.Items)}");
        }

        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(overLimit).Prepend(("whole", new[] { overLimit })))
        {
            PipeResult<string> result = PipeEmulator.Feed(pieces, ClientParser(codec), StopOnLineTooLong);
            Assert.True(expectedOverLimit.SequenceEqual(result.Items), $"{how}: {string.Join("|", result.Items)}");
            Assert.True(result.Stopped, how);
        }
    }

    [Fact]
    public void A_too_long_line_is_reported_without_consuming_it()
    {
        var codec = new FramedCodec(new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 });
        byte[] data = Sequences.Bytes(new string('1', 200) + "\n");
        ReadOnlySequence<byte> buffer = Sequences.Create(data[..50], data[50..]);

        Assert.True(codec.TryParseClientMessage(ref buffer, out ClientMessage message));
        Assert.Equal(ClientMessageKind.Invalid, message.Kind);
        Assert.Equal(ErrorCode.LineTooLong, message.Error);
        Assert.Equal(data.Length, buffer.Length);
    }

    [Fact]
    public void A_reply_line_may_be_twice_as_long_as_a_request_line()
    {
        var limits = new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 };
        var codec = new FramedCodec(limits);
        Assert.Equal(201, limits.MaxReplyLineLength);

        string square = TestNumbers.Digits(201);
        byte[] data = Sequences.Bytes(square + "\n" + TestNumbers.Digits(202) + "\n");
        string[] expected = ["Square " + square, "Invalid 501 []"];
        BufferParser<string> parse = ServerParser(codec);

        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(data).Prepend(("whole", new[] { data })))
        {
            PipeResult<string> result = PipeEmulator.Feed(pieces, parse, static item => item.StartsWith("Invalid 501", StringComparison.Ordinal));
            Assert.True(expected.SequenceEqual(result.Items), $"{how}: {string.Join("|", result.Items)}");
        }
    }

    internal static BufferParser<string> ClientParser(FramedCodec codec) =>
        (ref ReadOnlySequence<byte> buffer, out string item) =>
        {
            bool got = codec.TryParseClientMessage(ref buffer, out ClientMessage message);
            item = got ? Describe.Client(message) : string.Empty;
            return got;
        };

    internal static BufferParser<string> ServerParser(FramedCodec codec) =>
        (ref ReadOnlySequence<byte> buffer, out string item) =>
        {
            bool got = codec.TryParseServerMessage(ref buffer, out ServerMessage message);
            item = got ? Describe.Server(message) : string.Empty;
            return got;
        };

    private static bool StopOnLineTooLong(string item) => item == "Invalid 501";

    private static void AssertSame(PipeResult<string> expected, PipeResult<string> actual, string how)
    {
        Assert.True(expected.Items.SequenceEqual(actual.Items), $"{how}: got [{string.Join("|", actual.Items)}]");
        Assert.True(expected.Rest == actual.Rest, $"{how}: rest [{actual.Rest}] instead of [{expected.Rest}]");
        Assert.True(expected.Stopped == actual.Stopped, $"{how}: stopped {actual.Stopped}");
    }
}
