using System.Buffers;
using System.Numerics;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Textbook;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Textbook;

public class TextbookCodecTests
{
    private readonly TextbookCodec _codec = new(ProtocolLimits.Default);

    [Fact]
    public void The_greeting_is_taken_only_when_all_of_it_has_arrived_at_every_split()
    {
        byte[] greeting = Sequences.Bytes("Hi there!");

        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(greeting).Prepend(("whole", new[] { greeting })))
        {
            long received = 0;
            int taken = 0;
            PipeResult<bool> result = PipeEmulator.Feed(
                pieces,
                (ref ReadOnlySequence<byte> buffer, out bool item) =>
                {
                    received = buffer.Length;
                    item = TextbookCodec.TryReadGreeting(ref buffer);
                    if (item)
                    {
                        taken++;
                        Assert.True(received >= 9, $"{how}: taken after {received} bytes");
                        return taken == 1;
                    }

                    return false;
                });

            Assert.True(result.Items.SequenceEqual([true]), how);
            Assert.True(result.Rest.Length == 0, $"{how}: rest [{result.Rest}]");
        }
    }

    [Fact]
    public void Whitespace_after_the_greeting_is_taken_with_it_when_it_arrives_with_it()
    {
        byte[] greeting = Sequences.Bytes("Hi there!\r\n");

        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(greeting).Prepend(("whole", new[] { greeting })))
        {
            int taken = 0;
            PipeResult<bool> result = PipeEmulator.Feed(
                pieces,
                (ref ReadOnlySequence<byte> buffer, out bool item) =>
                {
                    // After the greeting a session stops asking for it; emulate that.
                    item = taken == 0 && TextbookCodec.TryReadGreeting(ref buffer);
                    taken += item ? 1 : 0;
                    return item;
                });

            Assert.True(result.Items.SequenceEqual([true]), how);

            // What was not taken with the greeting is whitespace that arrived in a later read.
            Assert.True(result.Rest.Trim().Length == 0, $"{how}: rest [{result.Rest}]");
            if (pieces.Length == 1)
            {
                Assert.Equal(string.Empty, result.Rest);
            }
        }
    }

    [Theory]
    [InlineData("Hi there!", "")]
    [InlineData("Hi there!\n", "")]
    [InlineData("Hi there! \t\r\n", "")]
    [InlineData("Hi there!5", "5")]
    [InlineData("Hi there!\r\n12", "12")]
    public void The_greeting_takes_trailing_whitespace_and_leaves_the_rest(string wire, string rest)
    {
        byte[] bytes = Sequences.Bytes(wire);
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.True(TextbookCodec.TryReadGreeting(ref buffer));
        Assert.Equal(rest, Sequences.Text(buffer));

        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(bytes))
        {
            buffer = Sequences.Create(pieces);
            Assert.True(TextbookCodec.TryReadGreeting(ref buffer), how);
            Assert.True(rest == Sequences.Text(buffer), how);
        }
    }

    [Fact]
    public void The_greeting_reader_must_only_be_called_on_a_textbook_connection()
    {
        var buffer = new ReadOnlySequence<byte>(Sequences.Bytes("HELLO squares/1\n"));

        Assert.Throws<InvalidOperationException>(() => TextbookCodec.TryReadGreeting(ref buffer));
    }

    [Theory]
    [InlineData("5", "Number 5")]
    [InlineData("-12", "Number -12")]
    [InlineData("+7", "Number 7")]
    [InlineData(" 5 ", "Number 5")]
    [InlineData("5\n", "Number 5")]
    [InlineData("\t\r\n-5\r\n", "Number -5")]
    [InlineData("\u000B5\u000C", "Number 5")]
    [InlineData(TestNumbers.Sixty, "Number " + TestNumbers.Sixty)]
    [InlineData("Hi there!", "Hello ")]
    [InlineData(" Hi there!\r\n", "Hello ")]
    [InlineData("Hi there!!", "Invalid 400")]
    [InlineData("abc", "Invalid 400")]
    [InlineData("12a", "Invalid 400")]
    [InlineData("-", "Invalid 400")]
    [InlineData("1 2", "Invalid 400")]
    [InlineData(" ", "Invalid 401")]
    [InlineData("\r\n", "Invalid 401")]
    [InlineData("\u0000", "Invalid 403")]
    [InlineData("5\u0000", "Invalid 403")]
    [InlineData("\u00FF", "Invalid 403")]
    [InlineData("\u00C3\u0028", "Invalid 403")]
    [InlineData("1\t2", "Invalid 403")]
    public void A_message_is_all_the_bytes_of_one_read(string wire, string expected)
    {
        byte[] bytes = Sequences.Bytes(wire);
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.True(_codec.TryParseRequest(ref buffer, out ClientMessage message));
        Assert.Equal(expected, Describe.Client(message));
        Assert.True(buffer.IsEmpty);

        // A read's bytes may lie in several segments: the message is the same.
        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(bytes))
        {
            buffer = Sequences.Create(pieces);
            Assert.True(_codec.TryParseRequest(ref buffer, out message), how);
            Assert.True(expected == Describe.Client(message), $"{how}: {Describe.Client(message)}");
            Assert.True(buffer.IsEmpty, how);
        }
    }

    [Fact]
    public void An_empty_buffer_is_no_message()
    {
        ReadOnlySequence<byte> buffer = ReadOnlySequence<byte>.Empty;

        Assert.False(_codec.TryParseRequest(ref buffer, out _));
    }

    [Fact]
    public void Limits_max_digits_and_max_line_length()
    {
        var codec = new TextbookCodec(new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 });
        string atLimit = TestNumbers.Digits(100);

        Assert.Equal("Number -" + atLimit, Parse(codec, "-" + atLimit));
        Assert.Equal("Invalid 402", Parse(codec, TestNumbers.Digits(101)));

        // The message limit counts every byte of the read, whitespace included.
        Assert.Equal("Number " + atLimit, Parse(codec, atLimit + new string(' ', 28)));
        byte[] tooLong = Sequences.Bytes(atLimit + new string(' ', 29));
        var buffer = new ReadOnlySequence<byte>(tooLong);
        Assert.True(codec.TryParseRequest(ref buffer, out ClientMessage message));
        Assert.Equal(ErrorCode.LineTooLong, message.Error);
        Assert.Equal(129, buffer.Length);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("14")]
    public void A_proper_digit_prefix_of_the_expected_square_asks_for_more(string received)
    {
        Assert.False(_codec.TryParseReply(Sequences.Bytes(received), "144"u8, out _));
    }

    [Theory]
    [InlineData("E")]
    [InlineData("ER")]
    [InlineData("ERR")]
    [InlineData("ERR ")]
    public void The_start_of_an_error_reply_asks_for_more(string received)
    {
        Assert.False(_codec.TryParseReply(Sequences.Bytes(received), "144"u8, out _));
    }

    [Fact]
    public void Nothing_received_asks_for_more()
    {
        Assert.False(_codec.TryParseReply([], "144"u8, out _));
    }

    [Theory]
    [InlineData("144", "Square 144")]
    [InlineData("14 ", "Square 14")]
    [InlineData("14\n", "Square 14")]
    [InlineData(" 1", "Square 1")]
    [InlineData("1440", "Square 1440")]
    [InlineData("145", "Square 145")]
    [InlineData("2", "Square 2")]
    [InlineData("ERR 400 not an integer", "Error 400 not an integer")]
    [InlineData("ERR 402 too many digits\n", "Error 402 too many digits")]
    [InlineData("ERR 501", "Error 501 ")]
    [InlineData("ERR x y", "Invalid 400 [ERR x y]")]
    [InlineData("ERR 1234 y", "Invalid 400 [ERR 1234 y]")]
    [InlineData("garbage", "Invalid 400 [garbage]")]
    [InlineData("14a", "Invalid 400 [14a]")]
    [InlineData("1\u00004", "Invalid 403 [1?4]")]
    [InlineData("   ", "Invalid 401 []")]
    public void A_reply_is_judged_as_it_stands_unless_it_is_a_prefix(string received, string expected)
    {
        Assert.True(_codec.TryParseReply(Sequences.Bytes(received), "144"u8, out ServerMessage message));
        Assert.Equal(expected, Describe.Server(message));
    }

    [Fact]
    public void A_big_square_arriving_in_pieces_is_read_to_the_end()
    {
        string square = TestNumbers.SquareOf(TestNumbers.Sixty);
        byte[] expected = Sequences.Bytes(square);

        for (int length = 0; length < square.Length; length++)
        {
            Assert.False(_codec.TryParseReply(expected.AsSpan(0, length), expected, out _), $"{length} bytes");
        }

        Assert.True(_codec.TryParseReply(expected, expected, out ServerMessage message));
        Assert.Equal(ServerMessageKind.Square, message.Kind);
        Assert.Equal(BigInteger.Parse(square, System.Globalization.CultureInfo.InvariantCulture), message.Square.ToBigInteger());
    }

    [Fact]
    public void Writers_produce_the_exact_bytes_with_no_terminator()
    {
        Assert.Equal("Hi there!", Write(TextbookCodec.WriteGreeting));
        Assert.Equal("Hello. Nice to see you.", Write(TextbookCodec.WriteGreetingReply));
        Assert.Equal("-144", Write(static w => TextbookCodec.WriteNumber(w, new ProtocolInteger(-144))));
        Assert.Equal("ERR 400 not an integer", Write(static w => TextbookCodec.WriteError(w, ProtocolError.For(ErrorCode.NotAnInteger))));
        Assert.Equal("ERR 504 timed out", Write(static w => TextbookCodec.WriteError(w, ProtocolError.For(ErrorCode.TimedOut))));
    }

    [Fact]
    public void The_codec_refuses_contradictory_limits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextbookCodec(new ProtocolLimits { MaxLineLength = 100 }));
    }

    private static string Parse(TextbookCodec codec, string wire)
    {
        var buffer = new ReadOnlySequence<byte>(Sequences.Bytes(wire));
        Assert.True(codec.TryParseRequest(ref buffer, out ClientMessage message));
        return Describe.Client(message);
    }

    private static string Write(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return Sequences.Text(output.WrittenSpan);
    }
}
