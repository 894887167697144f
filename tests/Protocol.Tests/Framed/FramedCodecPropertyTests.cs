using System.Buffers;
using System.Numerics;
using CsCheck;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Framed;

public class FramedCodecPropertyTests
{
    private static readonly FramedCodec Codec = new(ProtocolLimits.Default);

    [Fact]
    public void Any_long_written_as_a_line_is_read_back_by_both_parsers()
    {
        Generators.Longs.Sample(value => AssertRoundTrip(new ProtocolInteger(value)));
    }

    [Fact]
    public void Any_big_integer_written_as_a_line_is_read_back_by_both_parsers()
    {
        Generators.BigIntegers.Sample(value => AssertRoundTrip(new ProtocolInteger(value)));
    }

    [Fact]
    public void Any_square_written_as_a_line_is_read_back_as_a_square()
    {
        Generators.BigIntegers.Sample(value =>
        {
            ProtocolInteger square = new ProtocolInteger(value).Square();
            var output = new ArrayBufferWriter<byte>();
            FramedCodec.WriteNumber(output, square);
            var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);

            Assert.True(Codec.TryParseServerMessage(ref buffer, out ServerMessage reply));
            Assert.Equal(ServerMessageKind.Square, reply.Kind);
            Assert.Equal(value * value, reply.Square.ToBigInteger());
        });
    }

    [Fact]
    public void Random_bytes_given_to_the_client_parser_never_throw()
    {
        Generators.WireBytes.Sample(bytes =>
        {
            foreach (byte[][] pieces in Deliveries(bytes))
            {
                PipeResult<ClientMessage> result = PipeEmulator.Feed<ClientMessage>(pieces, ClientParser, static m => m.Error == ErrorCode.LineTooLong);
                foreach (ClientMessage message in result.Items)
                {
                    Assert.True(Enum.IsDefined(message.Kind));
                    Assert.Equal(message.Kind == ClientMessageKind.Invalid, message.Error != ErrorCode.None);
                }
            }
        });
    }

    [Fact]
    public void Random_bytes_given_to_the_server_parser_never_throw()
    {
        Generators.WireBytes.Sample(bytes =>
        {
            foreach (byte[][] pieces in Deliveries(bytes))
            {
                PipeResult<ServerMessage> result = PipeEmulator.Feed<ServerMessage>(pieces, ServerParser, static m => m.Kind == ServerMessageKind.Invalid && m.Error.Code == ErrorCode.LineTooLong);
                foreach (ServerMessage message in result.Items)
                {
                    Assert.True(Enum.IsDefined(message.Kind));
                    if (message.Kind == ServerMessageKind.Invalid)
                    {
                        Assert.NotEqual(ErrorCode.None, message.Error.Code);
                        Assert.NotNull(message.Text);
                    }
                }
            }
        });
    }

    [Fact]
    public void Random_bytes_parse_the_same_whole_and_one_byte_at_a_time()
    {
        Generators.WireBytes.Sample(bytes =>
        {
            BufferParser<string> client = FramedCodecSplitTests.ClientParser(Codec);
            PipeResult<string> whole = PipeEmulator.FeedWhole(bytes, client, static d => d == "Invalid 501");
            PipeResult<string> bytewise = PipeEmulator.Feed(Sequences.OneBytePieces(bytes), client, static d => d == "Invalid 501");
            Assert.Equal(whole.Items, bytewise.Items);
            Assert.Equal(whole.Rest, bytewise.Rest);

            BufferParser<string> server = FramedCodecSplitTests.ServerParser(Codec);
            Assert.Equal(
                PipeEmulator.FeedWhole(bytes, server, static d => d.StartsWith("Invalid 501", StringComparison.Ordinal)).Items,
                PipeEmulator.Feed(Sequences.OneBytePieces(bytes), server, static d => d.StartsWith("Invalid 501", StringComparison.Ordinal)).Items);
        });
    }

    [Fact]
    public void Random_long_lines_against_small_limits_never_throw()
    {
        var small = new FramedCodec(new ProtocolLimits { MaxDigits = 10, MaxLineLength = 128 });
        Gen.Select(Gen.Byte.Array[100, 400], Gen.Int[1, 399]).Sample((bytes, cut) =>
        {
            cut = Math.Min(cut, bytes.Length - 1);
            byte[][] pieces = [bytes[..cut], bytes[cut..]];
            PipeEmulator.Feed(pieces, (ref ReadOnlySequence<byte> b, out ClientMessage m) => small.TryParseClientMessage(ref b, out m), static m => m.Error == ErrorCode.LineTooLong);
            PipeEmulator.Feed(pieces, (ref ReadOnlySequence<byte> b, out ServerMessage m) => small.TryParseServerMessage(ref b, out m), static m => m.Error.Code == ErrorCode.LineTooLong);
        });
    }

    private static void AssertRoundTrip(ProtocolInteger value)
    {
        var output = new ArrayBufferWriter<byte>();
        FramedCodec.WriteNumber(output, value);
        Assert.Equal(value.ToString() + "\n", Sequences.Text(output.WrittenSpan));

        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.True(Codec.TryParseClientMessage(ref buffer, out ClientMessage request));
        Assert.Equal(ClientMessageKind.Number, request.Kind);
        Assert.Equal(value, request.Number);
        Assert.True(buffer.IsEmpty);

        buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.True(Codec.TryParseServerMessage(ref buffer, out ServerMessage reply));
        Assert.Equal(ServerMessageKind.Square, reply.Kind);
        Assert.Equal(value, reply.Square);
        Assert.True(buffer.IsEmpty);

        // Split in two segments: the same value.
        byte[] bytes = output.WrittenSpan.ToArray();
        int cut = bytes.Length / 2;
        buffer = Sequences.Create(bytes[..cut], bytes[cut..]);
        Assert.True(Codec.TryParseClientMessage(ref buffer, out request));
        Assert.Equal(value, request.Number);
        Assert.Equal(value.ToBigInteger(), BigInteger.Parse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static IEnumerable<byte[][]> Deliveries(byte[] bytes)
    {
        yield return [bytes];
        yield return Sequences.OneBytePieces(bytes);
        int cut = bytes.Length / 3;
        yield return [bytes[..cut], bytes[cut..]];
    }

    private static bool ClientParser(ref ReadOnlySequence<byte> buffer, out ClientMessage message) =>
        Codec.TryParseClientMessage(ref buffer, out message);

    private static bool ServerParser(ref ReadOnlySequence<byte> buffer, out ServerMessage message) =>
        Codec.TryParseServerMessage(ref buffer, out message);
}
