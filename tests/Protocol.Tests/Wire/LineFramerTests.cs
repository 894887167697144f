using System.Buffers;
using IotSquares.Protocol.Wire;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Wire;

public class LineFramerTests
{
    private const int Max = 128;
    private const string TooLong = "<too long>";

    public static TheoryData<string, string[]> Streams => new()
    {
        { "abc\n", ["abc"] },
        { "abc\r\n", ["abc"] },
        { "\n", [string.Empty] },
        { "\r\n", [string.Empty] },
        { "a\rb\n", ["a\rb"] },
        { "x\r\r\n", ["x\r"] },
        { "one\ntwo\r\nthree\n", ["one", "two", "three"] },
        { "one\ntwo\r\nunfinished", ["one", "two"] },
        { "unfinished\r", [] },
        { "-42\n" + TestNumbers.Sixty + "\r\nBYE\n", ["-42", TestNumbers.Sixty, "BYE"] },
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public void Whole_stream_gives_the_expected_lines(string wire, string[] expected)
    {
        PipeResult<string> whole = PipeEmulator.FeedWhole(Sequences.Bytes(wire), Lines(Max), IsTooLong);

        Assert.Equal(expected, whole.Items);
        int consumed = wire.LastIndexOf('\n') + 1;
        Assert.Equal(wire[consumed..], whole.Rest);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public void Every_split_gives_the_same_lines_as_the_whole_stream(string wire, string[] expected)
    {
        byte[] data = Sequences.Bytes(wire);
        PipeResult<string> whole = PipeEmulator.FeedWhole(data, Lines(Max), IsTooLong);
        Assert.Equal(expected, whole.Items);

        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(data))
        {
            AssertSame(whole, PipeEmulator.Feed(pieces, Lines(Max), IsTooLong), "streamed, " + how);
            AssertSame(whole, PipeEmulator.FeedSegmented(pieces, Lines(Max), IsTooLong), "segmented, " + how);
        }
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    public void A_line_of_exactly_the_limit_is_complete_at_every_split(string terminator)
    {
        string line = new('7', Max);
        byte[] data = Sequences.Bytes(line + terminator + "5\n");
        string[] expected = [line, "5"];

        Assert.Equal(expected, PipeEmulator.FeedWhole(data, Lines(Max), IsTooLong).Items);
        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(data))
        {
            Assert.True(expected.SequenceEqual(PipeEmulator.Feed(pieces, Lines(Max), IsTooLong).Items), "streamed, " + how);
            Assert.True(expected.SequenceEqual(PipeEmulator.FeedSegmented(pieces, Lines(Max), IsTooLong).Items), "segmented, " + how);
        }
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    [InlineData("\r\r\n")]
    [InlineData("and more bytes without any terminator")]
    public void A_line_one_over_the_limit_is_too_long_at_every_split_and_never_complete(string tail)
    {
        byte[] data = Sequences.Bytes(new string('7', Max + 1) + tail);

        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(data).Prepend(("whole", [data])))
        {
            PipeResult<string> streamed = PipeEmulator.Feed(pieces, Lines(Max), IsTooLong);
            Assert.True(streamed.Items.SequenceEqual([TooLong]), $"streamed, {how}: {string.Join("|", streamed.Items)}");

            PipeResult<string> segmented = PipeEmulator.FeedSegmented(pieces, Lines(Max), IsTooLong);
            Assert.True(segmented.Items.SequenceEqual([TooLong]), $"segmented, {how}: {string.Join("|", segmented.Items)}");
        }
    }

    [Fact]
    public void Too_long_leaves_the_buffer_as_it_was()
    {
        byte[] data = Sequences.Bytes(new string('x', Max + 1) + "\n");
        ReadOnlySequence<byte> buffer = Sequences.Create(data[..10], data[10..]);

        LineStatus status = LineFramer.TryReadLine(ref buffer, Max, out ReadOnlySequence<byte> line);

        Assert.Equal(LineStatus.TooLong, status);
        Assert.True(line.IsEmpty);
        Assert.Equal(data.Length, buffer.Length);
    }

    [Fact]
    public void The_limit_and_a_carriage_return_without_line_feed_may_still_become_a_line()
    {
        var buffer = new ReadOnlySequence<byte>(Sequences.Bytes(new string('x', Max) + "\r"));

        Assert.Equal(LineStatus.Incomplete, LineFramer.TryReadLine(ref buffer, Max, out _));
        Assert.Equal(Max + 1, buffer.Length);
    }

    [Fact]
    public void More_than_the_limit_without_a_carriage_return_is_too_long_before_the_line_feed_arrives()
    {
        // The documented promise: too long as soon as that is certain. Max+1 bytes none of which is a CR
        // can never become a legal line, so a peer that stops there must not be left waiting for a timeout.
        var buffer = new ReadOnlySequence<byte>(Sequences.Bytes(new string('x', Max + 1)));

        Assert.Equal(LineStatus.TooLong, LineFramer.TryReadLine(ref buffer, Max, out _));
    }

    [Fact]
    public void Incomplete_leaves_the_buffer_as_it_was()
    {
        ReadOnlySequence<byte> buffer = Sequences.Create(Sequences.Bytes("12"), Sequences.Bytes("34"));

        Assert.Equal(LineStatus.Incomplete, LineFramer.TryReadLine(ref buffer, Max, out _));
        Assert.Equal("1234", Sequences.Text(buffer));
    }

    [Fact]
    public void An_empty_buffer_is_incomplete()
    {
        ReadOnlySequence<byte> buffer = ReadOnlySequence<byte>.Empty;

        Assert.Equal(LineStatus.Incomplete, LineFramer.TryReadLine(ref buffer, Max, out _));
    }

    private static bool IsTooLong(string item) => item == TooLong;

    private static void AssertSame(PipeResult<string> expected, PipeResult<string> actual, string how)
    {
        Assert.True(expected.Items.SequenceEqual(actual.Items), $"{how}: got [{string.Join("|", actual.Items)}]");
        Assert.True(expected.Rest == actual.Rest, $"{how}: rest [{actual.Rest}] instead of [{expected.Rest}]");
        Assert.True(expected.Stopped == actual.Stopped, $"{how}: stopped {actual.Stopped}");
    }

    private static BufferParser<string> Lines(int maxLineLength) =>
        (ref ReadOnlySequence<byte> buffer, out string item) =>
        {
            switch (LineFramer.TryReadLine(ref buffer, maxLineLength, out ReadOnlySequence<byte> line))
            {
                case LineStatus.Complete:
                    item = Sequences.Text(line);
                    return true;
                case LineStatus.TooLong:
                    item = TooLong;
                    return true;
                default:
                    item = string.Empty;
                    return false;
            }
        };
}
