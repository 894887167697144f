using System.Buffers;
using CsCheck;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests;

public class DialectDetectorTests
{
    [Theory]
    [InlineData("Hi there!")]
    [InlineData("HELLO ")]
    public void Every_proper_prefix_of_a_greeting_needs_more_data_however_it_is_split(string greeting)
    {
        for (int length = 0; length < greeting.Length; length++)
        {
            byte[] prefix = Sequences.Bytes(greeting[..length]);
            Assert.True(
                DetectionResult.NeedMoreData == DialectDetector.Detect(new ReadOnlySequence<byte>(prefix)),
                $"whole prefix of {length} bytes");
            foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(prefix))
            {
                Assert.True(
                    DetectionResult.NeedMoreData == DialectDetector.Detect(Sequences.Create(pieces)),
                    $"prefix of {length} bytes, {how}");
            }
        }
    }

    [Theory]
    [InlineData("Hi there!", DetectionResult.Textbook)]
    [InlineData("Hi there!\r\n", DetectionResult.Textbook)]
    [InlineData("Hi there!5", DetectionResult.Textbook)]
    [InlineData("HELLO ", DetectionResult.Framed)]
    [InlineData("HELLO squares/1\n", DetectionResult.Framed)]
    [InlineData("HELLO squares/1,2 client=test-with-a-long-tail\r\n", DetectionResult.Framed)]
    [InlineData("HELLO foo\n", DetectionResult.Framed)]
    [InlineData("GET / HTTP/1.1\r\n", DetectionResult.Unknown)]
    [InlineData("hi there!", DetectionResult.Unknown)]
    [InlineData("Hi there?", DetectionResult.Unknown)]
    [InlineData("Hi!", DetectionResult.Unknown)]
    [InlineData("HELLO\n", DetectionResult.Unknown)]
    [InlineData("HELLOsquares/1\n", DetectionResult.Unknown)]
    [InlineData("hello squares/1\n", DetectionResult.Unknown)]
    [InlineData("5\n", DetectionResult.Unknown)]
    [InlineData("\u0016\u0003\u0001\u0002\u0000", DetectionResult.Unknown)]
    [InlineData("\n", DetectionResult.Unknown)]
    [InlineData("", DetectionResult.NeedMoreData)]
    public void Whole_first_bytes_are_judged_the_same_at_every_split(string firstBytes, DetectionResult expected)
    {
        byte[] data = Sequences.Bytes(firstBytes);

        Assert.Equal(expected, DialectDetector.Detect(new ReadOnlySequence<byte>(data)));
        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(data))
        {
            Assert.True(expected == DialectDetector.Detect(Sequences.Create(pieces)), how);
        }
    }

    [Theory]
    [InlineData("Hi there!\r\n", DetectionResult.Textbook, 9)]
    [InlineData("HELLO squares/1\n", DetectionResult.Framed, 6)]
    [InlineData("Hi there?", DetectionResult.Unknown, 9)]
    [InlineData("HELP\n", DetectionResult.Unknown, 4)]
    public void Read_by_read_the_answer_changes_exactly_when_the_greeting_is_decided(
        string stream, DetectionResult final, int decidedAfter)
    {
        byte[] data = Sequences.Bytes(stream);
        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(data))
        {
            var received = new List<ReadOnlyMemory<byte>>();
            foreach (byte[] piece in pieces)
            {
                received.Add(piece);
                ReadOnlySequence<byte> buffer = Sequences.Create(received);
                DetectionResult expected = buffer.Length >= decidedAfter ? final : DetectionResult.NeedMoreData;
                Assert.True(expected == DialectDetector.Detect(buffer), $"{how}, after {buffer.Length} bytes");

                // Detection only looks: the caller's buffer is not consumed.
                Assert.Equal(received.Sum(static m => m.Length), buffer.Length);
            }
        }
    }

    [Fact]
    public void Random_bytes_never_throw_and_give_a_defined_answer()
    {
        Generators.WireBytes.Sample(bytes =>
        {
            DetectionResult whole = DialectDetector.Detect(new ReadOnlySequence<byte>(bytes));
            Assert.True(Enum.IsDefined(whole));
            Assert.Equal(whole, DialectDetector.Detect(Sequences.Create(Sequences.OneBytePieces(bytes))));
        });
    }

    [Fact]
    public void Random_bytes_after_a_greeting_do_not_change_the_dialect()
    {
        Generators.WireBytes.Sample(bytes =>
        {
            byte[] textbook = [.. Sequences.Bytes("Hi there!"), .. bytes];
            byte[] framed = [.. Sequences.Bytes("HELLO "), .. bytes];
            Assert.Equal(DetectionResult.Textbook, DialectDetector.Detect(new ReadOnlySequence<byte>(textbook)));
            Assert.Equal(DetectionResult.Framed, DialectDetector.Detect(new ReadOnlySequence<byte>(framed)));
        });
    }
}
