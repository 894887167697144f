using System.Buffers;
using CsCheck;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests;

public class ServerGreetingDetectorTests
{
    [Theory]
    [InlineData("Hello. Nice to see you.")]
    [InlineData("WELCOME ")]
    [InlineData("ERR ")]
    public void Every_proper_prefix_of_a_server_greeting_needs_more_data_however_it_is_split(string greeting)
    {
        for (int length = 0; length < greeting.Length; length++)
        {
            byte[] prefix = Sequences.Bytes(greeting[..length]);
            Assert.True(
                ServerGreetingKind.NeedMoreData == ServerGreetingDetector.Detect(new ReadOnlySequence<byte>(prefix)),
                $"whole prefix of {length} bytes");
            foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(prefix))
            {
                Assert.True(
                    ServerGreetingKind.NeedMoreData == ServerGreetingDetector.Detect(Sequences.Create(pieces)),
                    $"prefix of {length} bytes, {how}");
            }
        }
    }

    [Theory]
    [InlineData("Hello. Nice to see you.", ServerGreetingKind.Textbook)]
    [InlineData("Hello. Nice to see you.25", ServerGreetingKind.Textbook)]
    [InlineData("WELCOME squares/1 max-digits=4096 max-line=8192\n", ServerGreetingKind.Framed)]
    [InlineData("ERR 503 server busy\n", ServerGreetingKind.Framed)]
    [InlineData("ERR 505 version not supported; this server speaks squares/1\n", ServerGreetingKind.Framed)]
    [InlineData("Hello. Nice to see you!", ServerGreetingKind.Unknown)]
    [InlineData("hello", ServerGreetingKind.Unknown)]
    [InlineData("WELCOMEsquares/1\n", ServerGreetingKind.Unknown)]
    [InlineData("ERR\n", ServerGreetingKind.Unknown)]
    [InlineData("25\n", ServerGreetingKind.Unknown)]
    [InlineData("HTTP/1.1 400 Bad Request\r\n", ServerGreetingKind.Unknown)]
    [InlineData("", ServerGreetingKind.NeedMoreData)]
    public void First_server_bytes_are_judged_the_same_at_every_split(string firstBytes, ServerGreetingKind expected)
    {
        byte[] data = Sequences.Bytes(firstBytes);

        Assert.Equal(expected, ServerGreetingDetector.Detect(new ReadOnlySequence<byte>(data)));
        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(data))
        {
            Assert.True(expected == ServerGreetingDetector.Detect(Sequences.Create(pieces)), how);
        }
    }

    [Fact]
    public void Random_bytes_never_throw_and_give_the_same_answer_however_split()
    {
        Generators.WireBytes.Sample(bytes =>
        {
            ServerGreetingKind whole = ServerGreetingDetector.Detect(new ReadOnlySequence<byte>(bytes));
            Assert.True(Enum.IsDefined(whole));
            Assert.Equal(whole, ServerGreetingDetector.Detect(Sequences.Create(Sequences.OneBytePieces(bytes))));
        });
    }
}
