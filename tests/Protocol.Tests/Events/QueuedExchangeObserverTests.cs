using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace IotSquares.Protocol.Tests.Events;

/// <summary>
/// The queue adapter, in memory: a slow observer is played by one that blocks until the test opens
/// its gate, and the loop's pacing runs on a <see cref="FakeTimeProvider"/>. The tests wait on
/// conditions (with generous deadlines), never on fixed times.
/// </summary>
public sealed class QueuedExchangeObserverTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly ConnectionInfo Connection = new(41, "192.168.1.7:51234");

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Squares_coalesce_to_the_newest_while_the_observer_is_busy_and_the_order_is_kept()
    {
        var slow = new GatedObserver();
        await using var queued = new QueuedExchangeObserver(slow, _time);

        queued.ConnectionOpened(Connection);
        WaitFor(() => slow.Blocked, "the loop to block in the slow observer");
        RunWithoutBlocking(() =>
        {
            queued.ServerGreeted(Connection, "WELCOME squares/1");
            queued.HandshakeCompleted(Connection, Dialect.Framed, 1);
            for (int i = 1; i <= 10_000; i++)
            {
                queued.SquareServed(Connection, i, (long)i * i, i);
            }

            queued.GoodbyeSaid(Connection, GoodbyeInitiator.Client, 10_000);
            queued.ConnectionClosed(Connection, CloseReason.ClientGoodbye, 10_000);
        });

        slow.Open();
        Pump(() => slow.Events.Count >= 6);

        Assert.Equal(
            [
                new Opened(Connection),
                new Greeted(Connection, "WELCOME squares/1"),
                new Handshake(Connection, Dialect.Framed, 1),
                new Served(Connection, 10_000, 100_000_000, 10_000),
                new Goodbye(Connection, GoodbyeInitiator.Client, 10_000),
                new Closed(Connection, CloseReason.ClientGoodbye, 10_000),
            ],
            slow.Events);
        Assert.Equal(0, queued.Dropped);
        Assert.Equal(0, queued.Connections);
    }

    [Fact]
    public async Task A_square_never_overtakes_its_connections_open_or_handshake()
    {
        var slow = new GatedObserver();
        await using var queued = new QueuedExchangeObserver(slow, _time);

        queued.ConnectionOpened(Connection);
        WaitFor(() => slow.Blocked, "the loop to block in the slow observer");
        queued.HandshakeCompleted(Connection, Dialect.Textbook, 0);
        for (int i = 1; i <= 5; i++)
        {
            queued.SquareServed(Connection, i, (long)i * i, i);
        }

        slow.Open();
        Pump(() => slow.Events.Count >= 3);
        queued.SquareServed(Connection, 6, 36, 6);
        Pump(() => slow.Events.Count >= 4);

        Assert.Equal(
            [new Opened(Connection), new Handshake(Connection, Dialect.Textbook, 0), new Served(Connection, 5, 25, 5), new Served(Connection, 6, 36, 6)],
            slow.Events);
    }

    [Fact]
    public async Task A_connection_that_opens_while_squares_are_delivered_is_not_overtaken_by_its_own_square()
    {
        var a = new ConnectionInfo(1, "a");
        var b = new ConnectionInfo(2, "b");
        var slow = new GatedObserver(onlySquares: true);
        await using var queued = new QueuedExchangeObserver(slow, _time);
        queued.ConnectionOpened(a);
        queued.SquareServed(a, 1, 1, 1);
        Pump(() => slow.Blocked);

        // The loop is inside its pass over the connections' squares, at a's; b's slot appears behind it.
        queued.ConnectionOpened(b);
        queued.HandshakeCompleted(b, Dialect.Framed, 1);
        queued.SquareServed(b, 2, 4, 1);
        slow.Open();
        Pump(() => slow.Events.Count >= 5);

        Assert.Equal(
            [new Opened(a), new Served(a, 1, 1, 1), new Opened(b), new Handshake(b, Dialect.Framed, 1), new Served(b, 2, 4, 1)],
            slow.Events);
    }

    [Fact]
    public async Task An_observer_that_throws_is_reported_once_and_the_loop_goes_on_delivering()
    {
        var recorder = new RecordingObserver();
        var faults = new List<long>();
        await using var queued = new QueuedExchangeObserver(new ThrowingOnSquares(recorder), _time, onFault: (_, _, n) => faults.Add(n));

        queued.ConnectionOpened(Connection);
        for (int i = 1; i <= 3; i++)
        {
            queued.SquareServed(Connection, i, (long)i * i, i);
            Pump(() => queued.Faults >= i);
        }

        queued.ConnectionClosed(Connection, CloseReason.PeerClosed, 3);
        queued.Finished(true, "done");
        Pump(() => recorder.Events.Count >= 3);

        Assert.Equal([new Opened(Connection), new Closed(Connection, CloseReason.PeerClosed, 3), new FinishedRun(true, "done")], recorder.Events);
        Assert.Equal([1L, 3L], faults); // the first failure, then the total after Finished
    }

    [Fact]
    public async Task A_flood_is_bounded_counted_and_what_gets_through_stays_balanced()
    {
        const int Capacity = 8;
        const int Connections = 1000;
        const int RejectionsEach = 10;
        var slow = new GatedObserver();
        await using var queued = new QueuedExchangeObserver(slow, _time, new QueuedObserverOptions { Capacity = Capacity });
        var first = new ConnectionInfo(1, "first");
        queued.ConnectionOpened(first);
        WaitFor(() => slow.Blocked, "the loop to block in the slow observer");

        int maxQueued = 0;
        RunWithoutBlocking(() =>
        {
            for (int c = 0; c < Connections; c++)
            {
                var connection = new ConnectionInfo(1000 + c, "flood");
                queued.ConnectionOpened(connection);
                queued.HandshakeCompleted(connection, Dialect.Framed, 1);
                for (int r = 0; r < RejectionsEach; r++)
                {
                    queued.SquareServed(connection, r, (long)r * r, r + 1);
                    queued.RequestRejected(connection, ProtocolError.For(ErrorCode.NotAnInteger));
                }

                queued.ConnectionClosed(connection, CloseReason.PeerClosed, RejectionsEach);
                maxQueued = Math.Max(maxQueued, queued.Queued);
            }
        });

        Assert.InRange(maxQueued, 1, Capacity);
        Assert.Equal(1, queued.Connections); // only the first is still open: closed ones leave no slot behind
        queued.ConnectionClosed(first, CloseReason.PeerClosed, 0);
        queued.Stopping();
        queued.Finished(true, "end"); // the reserve lets these two in even now
        Assert.InRange(queued.Queued, 1, Capacity + 2);

        slow.Open();
        Pump(() => slow.Events.OfType<FinishedRun>().Any());

        IReadOnlyList<ObservedEvent> seen = slow.Events;
        Assert.Equal(
            seen.OfType<Opened>().Select(static e => e.Connection.Id).Order(),
            seen.OfType<Closed>().Select(static e => e.Connection.Id).Order());
        int raised = 1 + (Connections * (3 + RejectionsEach)) + 1 + 2;
        int delivered = seen.Count(static e => e is not Served);
        Assert.Equal(raised, delivered + queued.Dropped);
        Assert.True(queued.Dropped > Connections, $"{queued.Dropped} dropped");
        Assert.IsType<StoppingNow>(seen[^2]);
        Assert.Equal(0, queued.Queued);
    }

    [Fact]
    public async Task Disposal_delivers_what_is_queued()
    {
        var recorder = new RecordingObserver();
        var queued = new QueuedExchangeObserver(recorder, _time);

        queued.Listening("127.0.0.1:50007");
        queued.ConnectionOpened(Connection);
        queued.SquareServed(Connection, 3, 9, 1);
        queued.ConnectionClosed(Connection, CloseReason.ServerShutdown, 1);
        queued.Stopping();
        await queued.DisposeAsync().AsTask().WaitAsync(Deadline);

        Assert.Equal(
            [
                new ListeningOn("127.0.0.1:50007"),
                new Opened(Connection),
                new Served(Connection, 3, 9, 1),
                new Closed(Connection, CloseReason.ServerShutdown, 1),
                new StoppingNow(),
            ],
            recorder.Events);
        queued.Finished(true, "too late");
        Assert.Equal(1, queued.Dropped);
    }

    [Fact]
    public async Task Disposal_gives_up_on_a_stuck_observer_after_the_drain_timeout_and_counts_what_was_left()
    {
        var slow = new GatedObserver();
        var queued = new QueuedExchangeObserver(slow, _time, new QueuedObserverOptions { DrainTimeout = TimeSpan.FromSeconds(2) });
        queued.ConnectionOpened(Connection);
        WaitFor(() => slow.Blocked, "the loop to block in the slow observer");
        queued.HandshakeCompleted(Connection, Dialect.Framed, 1);
        queued.ConnectionClosed(Connection, CloseReason.PeerClosed, 0);

        Task disposal = queued.DisposeAsync().AsTask();
        Pump(() => disposal.IsCompleted, step: TimeSpan.FromSeconds(1));
        await disposal;

        Assert.Equal(2, queued.Dropped);
        Assert.Equal(0, queued.Queued);
        slow.Open();
    }

    [Fact]
    public void Arguments_are_checked()
    {
        Assert.Throws<ArgumentNullException>(() => new QueuedExchangeObserver(null!, _time));
        Assert.Throws<ArgumentNullException>(() => new QueuedExchangeObserver(new RecordingObserver(), null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QueuedExchangeObserver(new RecordingObserver(), _time, new QueuedObserverOptions { Capacity = 1 }));
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        DateTime end = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < end, $"timed out waiting for {what}");
            Thread.Sleep(1);
        }
    }

    // The calls must return while the slow observer is blocked: run them aside and fail rather than hang.
    private static void RunWithoutBlocking(Action calls) =>
        Assert.True(Task.Run(calls).Wait(Deadline), "a call blocked on the slow observer");

    // Moves the fake clock on in the loop's pacing steps until the condition holds.
    private void Pump(Func<bool> condition, TimeSpan? step = null)
    {
        DateTime end = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < end, "timed out waiting for the delivery loop");
            _time.Advance(step ?? TimeSpan.FromMilliseconds(20));
            Thread.Sleep(1);
        }
    }
}
