using System.Globalization;
using System.Numerics;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Sessions;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Sessions;

public class FramedServerSessionTests
{
    private const string Welcome = "WELCOME squares/1 max-digits=4096 max-line=8192\n";
    private static readonly ConnectionInfo Connection = new(7, "127.0.0.1:40000");

    private readonly RecordingObserver _observer = new();

    [Fact]
    public void A_full_exchange_is_answered_byte_for_byte_with_its_events()
    {
        SessionDriver driver = NewDriver();
        BigInteger sixty = BigInteger.Parse(TestNumbers.Sixty, CultureInfo.InvariantCulture);

        Assert.False(driver.Receive("HELLO squares/1\n").IsClosing);
        Assert.Equal(Welcome, driver.TakeOutput());
        Assert.True(driver.Session.IsHandshakeComplete);

        Assert.False(driver.Receive("5\n").IsClosing);
        Assert.Equal("25\n", driver.TakeOutput());
        Assert.False(driver.Receive("-12\r\n").IsClosing);
        Assert.Equal("144\n", driver.TakeOutput());
        Assert.False(driver.Receive(TestNumbers.Sixty + "\n").IsClosing);
        Assert.Equal(TestNumbers.SquareOf(TestNumbers.Sixty) + "\n", driver.TakeOutput());
        Assert.False(driver.Receive("abc\n").IsClosing);
        Assert.Equal("ERR 400 not an integer\n", driver.TakeOutput());

        SessionStatus status = driver.Receive("BYE\n");
        Assert.Equal(SessionStatus.Close(CloseReason.ClientGoodbye), status);
        Assert.Equal("BYE 3\n", driver.TakeOutput());
        Assert.Equal(3, driver.Session.SquaresServed);

        ObservedEvent[] expected =
        [
            new Greeted(Connection, "WELCOME squares/1 max-digits=4096 max-line=8192"),
            new Handshake(Connection, Dialect.Framed, 1),
            new Served(Connection, 5, 25, 1),
            new Served(Connection, -12, 144, 2),
            new Served(Connection, sixty, sixty * sixty, 3),
            new Rejected(Connection, ProtocolError.For(ErrorCode.NotAnInteger)),
            new Goodbye(Connection, GoodbyeInitiator.Client, 3),
        ];
        Assert.Equal(expected, _observer.Events);
    }

    [Fact]
    public void Pipelined_requests_are_answered_in_order_in_one_call()
    {
        SessionDriver driver = NewDriver();

        SessionStatus status = driver.Receive("HELLO squares/1\n1\n2\n-3\n\n4\nBYE\n5\n");

        Assert.Equal(SessionStatus.Close(CloseReason.ClientGoodbye), status);
        Assert.Equal(Welcome + "1\n4\n9\nERR 401 empty request\n16\nBYE 4\n", driver.Output);
        Assert.Equal("5\n", driver.Unconsumed);

        // One read is one batch: the squares before the error are reported (the latest, with the count so far)
        // just before it, and the square after it just before the goodbye, so the order of the events holds.
        ObservedEvent[] expected =
        [
            new Greeted(Connection, "WELCOME squares/1 max-digits=4096 max-line=8192"),
            new Handshake(Connection, Dialect.Framed, 1),
            new Served(Connection, -3, 9, 3),
            new Rejected(Connection, ProtocolError.For(ErrorCode.EmptyRequest)),
            new Served(Connection, 4, 16, 4),
            new Goodbye(Connection, GoodbyeInitiator.Client, 4),
        ];
        Assert.Equal(expected, _observer.Events);
    }

    [Fact]
    public void A_batch_is_reported_once_with_its_latest_square_and_the_count_so_far()
    {
        SessionDriver driver = NewDriver();
        driver.Receive("HELLO squares/1\n");

        // Small and big values, in the fast path and the general parser, in one read: one event.
        driver.Receive("2\n" + TestNumbers.Sixty + "\n3\n");
        driver.Receive("7\n8\n");
        driver.Session.ReportServed(); // Nothing new since the last report: no event.

        Assert.Equal(
            [new Served(Connection, 3, 9, 3), new Served(Connection, 8, 64, 5)],
            _observer.Events.OfType<Served>());
    }

    [Fact]
    public void Squares_are_not_reported_before_the_connection_loop_asks()
    {
        var observer = new RecordingObserver();
        var session = new FramedServerSession(new FramedCodec(ProtocolLimits.Default), Connection, observer);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var buffer = new System.Buffers.ReadOnlySequence<byte>(Sequences.Bytes("HELLO squares/1\n4\n5\n"));

        session.Process(ref buffer, output);
        Assert.Empty(observer.Events.OfType<Served>());

        session.ReportServed();
        Assert.Equal([new Served(Connection, 5, 25, 2)], observer.Events.OfType<Served>());
    }

    [Fact]
    public void Pipelined_requests_without_goodbye_leave_the_session_open_and_keep_the_partial_line()
    {
        SessionDriver driver = NewDriver();

        Assert.Equal(SessionStatus.Open, driver.Receive("HELLO squares/1\n10\n11\n1"));
        Assert.Equal(Welcome + "100\n121\n", driver.TakeOutput());
        Assert.Equal("1", driver.Unconsumed);

        Assert.Equal(SessionStatus.Open, driver.Receive("2\n"));
        Assert.Equal("144\n", driver.TakeOutput());
        Assert.Equal(string.Empty, driver.Unconsumed);
    }

    [Fact]
    public void The_whole_exchange_gives_the_same_bytes_at_every_split()
    {
        byte[] stream = Sequences.Bytes("HELLO squares/1,2 pi\r\n3\n-4\n" + TestNumbers.Sixty + "\nx\nHELLO squares/1\nBYE\n");
        string expected = Welcome + "9\n16\n" + TestNumbers.SquareOf(TestNumbers.Sixty) + "\nERR 400 not an integer\nERR 404 already greeted\nBYE 3\n";

        SessionDriver whole = NewDriver();
        Assert.Equal(SessionStatus.Close(CloseReason.ClientGoodbye), whole.Receive(stream));
        Assert.Equal(expected, whole.Output);

        foreach ((string how, byte[][] pieces) in Sequences.AllDeliveries(stream))
        {
            var observer = new RecordingObserver();
            var driver = new SessionDriver(new FramedServerSession(new FramedCodec(ProtocolLimits.Default), Connection, observer));
            SessionStatus status = driver.ReceiveAll(pieces);
            Assert.True(expected == driver.Output, $"{how}: [{driver.Output}]");
            Assert.True(status == SessionStatus.Close(CloseReason.ClientGoodbye), how);
            // How the squares are batched depends on the reads; what may not: every other event, in order, and
            // before each of them the latest square with the count so far (each batch adds to the count).
            Assert.True(LastOfEachBatch(observer.Events).SequenceEqual(LastOfEachBatch(_observer.Events)), how);
            Assert.True(observer.Events.OfType<Served>().Select(static e => e.Count).Order().SequenceEqual(
                observer.Events.OfType<Served>().Select(static e => e.Count).Distinct()), how);
        }

        Assert.Contains(new Served(Connection, BigInteger.Parse(TestNumbers.Sixty, CultureInfo.InvariantCulture), BigInteger.Pow(BigInteger.Parse(TestNumbers.Sixty, CultureInfo.InvariantCulture), 2), 3), _observer.Events);
    }

    // The events with each run of consecutive squares cut down to its last.
    private static IEnumerable<ObservedEvent> LastOfEachBatch(IReadOnlyList<ObservedEvent> events) =>
        events.Where((e, i) => e is not Served || i + 1 == events.Count || events[i + 1] is not Served);

    [Theory]
    [InlineData("abc", "ERR 400 not an integer\n")]
    [InlineData("12a", "ERR 400 not an integer\n")]
    [InlineData("-", "ERR 400 not an integer\n")]
    [InlineData(" 5", "ERR 400 not an integer\n")]
    [InlineData("", "ERR 401 empty request\n")]
    [InlineData("\r", "ERR 401 empty request\n")]
    [InlineData("\u0000", "ERR 403 invalid characters\n")]
    [InlineData("\u00FF", "ERR 403 invalid characters\n")]
    [InlineData("\u00C3\u0028", "ERR 403 invalid characters\n")]
    [InlineData("\t", "ERR 403 invalid characters\n")]
    [InlineData("HELLO squares/1", "ERR 404 already greeted\n")]
    [InlineData("HELLO squares/9", "ERR 404 already greeted\n")]
    public void A_bad_request_is_rejected_with_4xx_and_the_connection_goes_on(string line, string reply)
    {
        SessionDriver driver = Greeted();

        Assert.Equal(SessionStatus.Open, driver.Receive(line + "\n"));
        Assert.Equal(reply, driver.TakeOutput());

        Assert.Equal(SessionStatus.Open, driver.Receive("3\n"));
        Assert.Equal("9\n", driver.TakeOutput());

        var code = (ErrorCode)int.Parse(reply.AsSpan(4, 3), CultureInfo.InvariantCulture);
        Assert.Equal(
            [new Rejected(Connection, ProtocolError.For(code)), new Served(Connection, 3, 9, 1)],
            _observer.Events.Skip(2));
    }

    [Fact]
    public void Max_digits_is_accepted_and_one_more_is_402_and_the_connection_goes_on()
    {
        SessionDriver driver = Greeted(new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 });
        string atLimit = TestNumbers.Digits(100);

        Assert.Equal(SessionStatus.Open, driver.Receive("-" + atLimit + "\n" + TestNumbers.Digits(101) + "\n2\n"));
        Assert.Equal(TestNumbers.SquareOf(atLimit) + "\nERR 402 too many digits\n4\n", driver.Output);
    }

    [Fact]
    public void A_line_of_max_line_length_is_answered_and_one_byte_more_is_501_and_closes()
    {
        SessionDriver driver = Greeted(new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 });

        Assert.Equal(SessionStatus.Open, driver.Receive(TestNumbers.Digits(128) + "\r\n"));
        Assert.Equal("ERR 402 too many digits\n", driver.TakeOutput());

        SessionStatus status = driver.Receive(TestNumbers.Digits(129) + "\n");
        Assert.Equal(SessionStatus.Close(CloseReason.ProtocolError), status);
        Assert.Equal("ERR 501 line too long\n", driver.TakeOutput());
        Assert.Equal(new Rejected(Connection, ProtocolError.For(ErrorCode.LineTooLong)), _observer.Events[^1]);
    }

    [Fact]
    public void A_line_too_long_closes_even_before_its_line_feed_arrives()
    {
        SessionDriver driver = Greeted(new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 });

        SessionStatus status = driver.Receive(new string('9', 200));

        Assert.True(status.IsClosing);
        Assert.Equal("ERR 501 line too long\n", driver.Output);
    }

    [Theory]
    [InlineData("5\n", "ERR 502 handshake required\n")]
    [InlineData("BYE\n", "ERR 502 handshake required\n")]
    [InlineData("\n", "ERR 502 handshake required\n")]
    [InlineData("abc\n", "ERR 502 handshake required\n")]
    [InlineData("HELLO foo\n", "ERR 502 handshake required\n")]
    [InlineData("HELLO squares/\n", "ERR 502 handshake required\n")]
    [InlineData("HELLO squares/9\n", "ERR 505 version not supported; this server speaks squares/1\n")]
    [InlineData("HELLO squares/2,3\n", "ERR 505 version not supported; this server speaks squares/1\n")]
    public void A_bad_greeting_is_a_5xx_and_closes(string firstLine, string reply)
    {
        SessionDriver driver = NewDriver();

        SessionStatus status = driver.Receive(firstLine + "5\n");

        Assert.Equal(SessionStatus.Close(CloseReason.ProtocolError), status);
        Assert.Equal(reply, driver.Output);
        Assert.False(driver.Session.IsHandshakeComplete);
        Rejected rejected = Assert.IsType<Rejected>(Assert.Single(_observer.Events));
        Assert.Equal(reply[4..^1], rejected.Error.ToString()[4..]);
        Assert.True(rejected.Error.ClosesConnection);
    }

    [Fact]
    public void A_first_line_too_long_is_501_not_502()
    {
        SessionDriver driver = NewDriver(new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 });

        SessionStatus status = driver.Receive("HELLO squares/1 " + new string('x', 200) + "\n");

        Assert.Equal(SessionStatus.Close(CloseReason.ProtocolError), status);
        Assert.Equal("ERR 501 line too long\n", driver.Output);
    }

    [Fact]
    public void The_greeting_may_offer_several_versions_and_extra_words()
    {
        SessionDriver driver = NewDriver();

        Assert.Equal(SessionStatus.Open, driver.Receive("HELLO squares/2,1 client=pi-client/0.1\r\n"));

        Assert.Equal(Welcome, driver.Output);
        Assert.Equal(1, ((FramedServerSession)driver.Session).Version);
        Assert.Equal(
            [new Greeted(Connection, "WELCOME squares/1 max-digits=4096 max-line=8192"), new Handshake(Connection, Dialect.Framed, 1)],
            _observer.Events);
    }

    [Fact]
    public void Nothing_happens_until_a_whole_line_has_arrived()
    {
        SessionDriver driver = NewDriver();

        Assert.Equal(SessionStatus.Open, driver.Receive("HELLO squa"));
        Assert.Equal(string.Empty, driver.Output);
        Assert.Empty(_observer.Events);
        Assert.Equal(0, ((FramedServerSession)driver.Session).Version);

        Assert.Equal(SessionStatus.Open, driver.Receive("res/1\n"));
        Assert.Equal(Welcome, driver.Output);
    }

    [Fact]
    public void Shutdown_says_goodbye_with_the_count()
    {
        SessionDriver driver = Greeted();
        driver.Receive("1\n2\n");
        driver.TakeOutput();

        driver.WriteShutdown();

        Assert.Equal("BYE 2 server shutting down\n", driver.Output);
        Assert.Equal(new Goodbye(Connection, GoodbyeInitiator.Server, 2), _observer.Events[^1]);
    }

    [Fact]
    public void Shutdown_before_any_request_counts_zero()
    {
        SessionDriver driver = NewDriver();

        driver.WriteShutdown();

        Assert.Equal("BYE 0 server shutting down\n", driver.Output);
    }

    [Fact]
    public void A_fatal_error_from_the_connection_loop_is_written_as_a_line()
    {
        SessionDriver driver = Greeted();

        driver.WriteFatalError(ProtocolError.For(ErrorCode.TimedOut));

        Assert.Equal("ERR 504 timed out\n", driver.Output);
        Assert.Equal(new Rejected(Connection, ProtocolError.For(ErrorCode.TimedOut)), _observer.Events[^1]);
    }

    [Fact]
    public void The_session_says_what_it_is()
    {
        var session = new FramedServerSession(new FramedCodec(ProtocolLimits.Default), Connection, _observer);

        Assert.Equal(Dialect.Framed, session.Dialect);
        Assert.False(session.IsHandshakeComplete);
        Assert.Equal(0, session.SquaresServed);
        Assert.Throws<ArgumentNullException>(() => new FramedServerSession(null!, Connection, _observer));
    }

    private SessionDriver NewDriver(ProtocolLimits? limits = null) =>
        new(new FramedServerSession(new FramedCodec(limits ?? ProtocolLimits.Default), Connection, _observer));

    private SessionDriver Greeted(ProtocolLimits? limits = null)
    {
        SessionDriver driver = NewDriver(limits);
        Assert.Equal(SessionStatus.Open, driver.Receive("HELLO squares/1\n"));
        driver.TakeOutput();
        return driver;
    }
}
