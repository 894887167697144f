using System.Globalization;
using System.Numerics;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Sessions;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Sessions;

public class FramedServerSessionTests : FramedServerSessionTestBase
{
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
        Assert.Equal(expected, Observer.Events);
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
        Assert.Equal(expected, Observer.Events);
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
            Observer.Events.OfType<Served>());
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
            Assert.True(LastOfEachBatch(observer.Events).SequenceEqual(LastOfEachBatch(Observer.Events)), how);
            Assert.True(observer.Events.OfType<Served>().Select(static e => e.Count).Order().SequenceEqual(
                observer.Events.OfType<Served>().Select(static e => e.Count).Distinct()), how);
        }

        Assert.Contains(new Served(Connection, BigInteger.Parse(TestNumbers.Sixty, CultureInfo.InvariantCulture), BigInteger.Pow(BigInteger.Parse(TestNumbers.Sixty, CultureInfo.InvariantCulture), 2), 3), Observer.Events);
    }

    // The events with each run of consecutive squares cut down to its last.
    private static IEnumerable<ObservedEvent> LastOfEachBatch(IReadOnlyList<ObservedEvent> events) =>
        events.Where((e, i) => e is not Served || i + 1 == events.Count || events[i + 1] is not Served);

    [Fact]
    public void The_greeting_may_offer_several_versions_and_extra_words()
    {
        SessionDriver driver = NewDriver();

        Assert.Equal(SessionStatus.Open, driver.Receive("HELLO squares/2,1 client=pi-client/0.1\r\n"));

        Assert.Equal(Welcome, driver.Output);
        Assert.Equal(1, ((FramedServerSession)driver.Session).Version);
        Assert.Equal(
            [new Greeted(Connection, "WELCOME squares/1 max-digits=4096 max-line=8192"), new Handshake(Connection, Dialect.Framed, 1)],
            Observer.Events);
    }

    [Fact]
    public void Nothing_happens_until_a_whole_line_has_arrived()
    {
        SessionDriver driver = NewDriver();

        Assert.Equal(SessionStatus.Open, driver.Receive("HELLO squa"));
        Assert.Equal(string.Empty, driver.Output);
        Assert.Empty(Observer.Events);
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
        Assert.Equal(new Goodbye(Connection, GoodbyeInitiator.Server, 2), Observer.Events[^1]);
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
        Assert.Equal(new Rejected(Connection, ProtocolError.For(ErrorCode.TimedOut)), Observer.Events[^1]);
    }

    [Fact]
    public void The_session_says_what_it_is()
    {
        var session = new FramedServerSession(new FramedCodec(ProtocolLimits.Default), Connection, Observer);

        Assert.Equal(Dialect.Framed, session.Dialect);
        Assert.False(session.IsHandshakeComplete);
        Assert.Equal(0, session.SquaresServed);
        Assert.Throws<ArgumentNullException>(() => new FramedServerSession(null!, Connection, Observer));
    }
}
