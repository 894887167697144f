using System.Globalization;
using System.Text;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Sessions;
using IotSquares.Protocol.Textbook;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Sessions;

public class TextbookServerSessionTests
{
    private const string Reply = "Hello. Nice to see you.";
    private static readonly ConnectionInfo Connection = new(3, "192.0.2.1:5000");

    private readonly RecordingObserver _observer = new();

    [Fact]
    public void The_textbook_exchange_of_0_to_99_is_answered_byte_for_byte()
    {
        SessionDriver driver = NewDriver();
        var expected = new StringBuilder(Reply);

        Assert.Equal(SessionStatus.Open, driver.Receive("Hi there!"));
        Assert.Equal(Reply, driver.Output);
        for (int i = 0; i < 100; i++)
        {
            string square = (i * i).ToString(CultureInfo.InvariantCulture);
            Assert.Equal(SessionStatus.Open, driver.Receive(i.ToString(CultureInfo.InvariantCulture)));
            expected.Append(square);
            Assert.Equal(expected.ToString(), driver.Output);
        }

        Assert.Equal(100, driver.Session.SquaresServed);
        Assert.Equal(new Greeted(Connection, "Hello. Nice to see you."), _observer.Events[0]);
        Assert.Equal(new Handshake(Connection, Dialect.Textbook, 0), _observer.Events[1]);
        Assert.Equal(
            Enumerable.Range(0, 100).Select(static i => new Served(Connection, i, (long)i * i, i + 1)),
            _observer.Events.Skip(2).Cast<Served>());
        Assert.Equal(102, _observer.Events.Count);
    }

    [Fact]
    public void A_greeting_split_over_reads_is_answered_once_it_is_whole()
    {
        SessionDriver driver = NewDriver();

        Assert.Equal(SessionStatus.Open, driver.Receive("Hi th"));
        Assert.Equal(string.Empty, driver.Output);
        Assert.False(driver.Session.IsHandshakeComplete);
        Assert.Equal("Hi th", driver.Unconsumed);

        Assert.Equal(SessionStatus.Open, driver.Receive("ere!"));
        Assert.Equal(Reply, driver.Output);
        Assert.True(driver.Session.IsHandshakeComplete);
        Assert.Equal(string.Empty, driver.Unconsumed);
    }

    [Theory]
    [InlineData("Hi there!\r\n", Reply)]
    [InlineData("Hi there!7", Reply + "49")]
    [InlineData("Hi there!\n7\n", Reply + "49")]
    public void What_follows_the_greeting_in_the_same_read_is_the_first_message(string read, string output)
    {
        SessionDriver driver = NewDriver();

        Assert.Equal(SessionStatus.Open, driver.Receive(read));
        Assert.Equal(output, driver.Output);
    }

    [Theory]
    [InlineData("abc", "ERR 400 not an integer")]
    [InlineData("12a", "ERR 400 not an integer")]
    [InlineData("-", "ERR 400 not an integer")]
    [InlineData("1 2", "ERR 400 not an integer")]
    [InlineData(" ", "ERR 401 empty request")]
    [InlineData("\r\n", "ERR 401 empty request")]
    [InlineData("\u0000", "ERR 403 invalid characters")]
    [InlineData("\u00FF", "ERR 403 invalid characters")]
    [InlineData("\u00C3\u0028", "ERR 403 invalid characters")]
    [InlineData("1\t2", "ERR 403 invalid characters")]
    [InlineData("Hi there!", "ERR 404 already greeted")]
    [InlineData("Hi there!\n", "ERR 404 already greeted")]
    public void A_bad_message_is_answered_with_a_bare_4xx_and_the_exchange_goes_on(string message, string reply)
    {
        SessionDriver driver = Greeted();

        Assert.Equal(SessionStatus.Open, driver.Receive(message));
        Assert.Equal(reply, driver.TakeOutput());

        Assert.Equal(SessionStatus.Open, driver.Receive("3"));
        Assert.Equal("9", driver.TakeOutput());

        var code = (ErrorCode)int.Parse(reply.AsSpan(4, 3), CultureInfo.InvariantCulture);
        Assert.Equal(
            [new Rejected(Connection, ProtocolError.For(code)), new Served(Connection, 3, 9, 1)],
            _observer.Events.Skip(2));
    }

    [Fact]
    public void Max_digits_is_accepted_and_one_more_is_402_and_the_exchange_goes_on()
    {
        SessionDriver driver = Greeted(new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 });
        string atLimit = TestNumbers.Digits(100);

        Assert.Equal(SessionStatus.Open, driver.Receive("-" + atLimit));
        Assert.Equal(TestNumbers.SquareOf(atLimit), driver.TakeOutput());
        Assert.Equal(SessionStatus.Open, driver.Receive(TestNumbers.Digits(101)));
        Assert.Equal("ERR 402 too many digits", driver.TakeOutput());
        Assert.Equal(SessionStatus.Open, driver.Receive("2"));
        Assert.Equal("4", driver.TakeOutput());
    }

    [Fact]
    public void A_message_over_max_line_length_is_501_and_closes()
    {
        SessionDriver driver = Greeted(new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 });

        Assert.Equal(SessionStatus.Open, driver.Receive(TestNumbers.Digits(100) + new string(' ', 28)));
        driver.TakeOutput();

        SessionStatus status = driver.Receive(TestNumbers.Digits(100) + new string(' ', 29));

        Assert.Equal(SessionStatus.Close(CloseReason.ProtocolError), status);
        Assert.Equal("ERR 501 line too long", driver.Output);
        Assert.Equal(new Rejected(Connection, ProtocolError.For(ErrorCode.LineTooLong)), _observer.Events[^1]);
    }

    [Fact]
    public void A_message_in_several_segments_is_one_message()
    {
        SessionDriver driver = Greeted();
        byte[] message = Sequences.Bytes(" -" + TestNumbers.Sixty + "\r\n");

        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(message))
        {
            var buffer = Sequences.Create(pieces);
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            SessionStatus status = driver.Session.Process(ref buffer, output);
            Assert.True(status == SessionStatus.Open, how);
            Assert.True(TestNumbers.SquareOf(TestNumbers.Sixty) == Sequences.Text(output.WrittenSpan), how);
            Assert.True(buffer.IsEmpty, how);
        }
    }

    [Fact]
    public void Shutdown_writes_nothing_the_textbook_has_no_goodbye()
    {
        SessionDriver driver = Greeted();
        driver.Receive("4");
        driver.TakeOutput();
        int events = _observer.Events.Count;

        driver.WriteShutdown();

        Assert.Equal(string.Empty, driver.Output);
        Assert.Equal(events, _observer.Events.Count);
    }

    [Fact]
    public void A_fatal_error_from_the_connection_loop_is_written_bare()
    {
        SessionDriver driver = Greeted();

        driver.WriteFatalError(ProtocolError.For(ErrorCode.TimedOut));

        Assert.Equal("ERR 504 timed out", driver.Output);
        Assert.Equal(new Rejected(Connection, ProtocolError.For(ErrorCode.TimedOut)), _observer.Events[^1]);
    }

    [Fact]
    public void The_session_says_what_it_is()
    {
        var session = new TextbookServerSession(new TextbookCodec(ProtocolLimits.Default), Connection, _observer);

        Assert.Equal(Dialect.Textbook, session.Dialect);
        Assert.False(session.IsHandshakeComplete);
        Assert.Equal(0, session.SquaresServed);
        Assert.Throws<ArgumentNullException>(() => new TextbookServerSession(new TextbookCodec(ProtocolLimits.Default), Connection, null!));
    }

    private SessionDriver NewDriver(ProtocolLimits? limits = null) =>
        new(new TextbookServerSession(new TextbookCodec(limits ?? ProtocolLimits.Default), Connection, _observer));

    private SessionDriver Greeted(ProtocolLimits? limits = null)
    {
        SessionDriver driver = NewDriver(limits);
        Assert.Equal(SessionStatus.Open, driver.Receive("Hi there!"));
        Assert.Equal(Reply, driver.TakeOutput());
        return driver;
    }
}
