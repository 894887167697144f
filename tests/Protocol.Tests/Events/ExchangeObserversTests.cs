using System.Reflection;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Sessions;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Events;

public class ExchangeObserversTests
{
    private static readonly ConnectionInfo Connection = new(1, "[::1]:1234");

    private static readonly ObservedEvent[] EveryEvent =
    [
        new ListeningOn("127.0.0.1:50007"),
        new ConnectingTo("pi1:50007", 2),
        new ReconnectingIn("lost", TimeSpan.FromSeconds(0.4), 1, 5, 10),
        new StoppingNow(),
        new Opened(Connection),
        new Greeted(Connection, "Hello. Nice to see you."),
        new Handshake(Connection, Dialect.Framed, 1),
        new Served(Connection, 4, 16, 1),
        new Rejected(Connection, ProtocolError.For(ErrorCode.NotAnInteger)),
        new Goodbye(Connection, GoodbyeInitiator.Client, 1),
        new Closed(Connection, CloseReason.ClientGoodbye, 1),
        new FinishedRun(true, "done"),
    ];

    [Fact]
    public void Every_member_of_the_contract_is_forwarded()
    {
        // A member the fan-out does not override silently falls back to the interface's empty default:
        // count the interface's members so that a new one without a forward fails here.
        int members = typeof(IExchangeObserver).GetMethods(BindingFlags.Public | BindingFlags.Instance).Length;
        Assert.Equal(members, EveryEvent.Length);

        var recorder = new RecordingObserver();
        Replay(new ExchangeObservers([recorder], static (_, _, _) => { }), EveryEvent);

        Assert.Equal(EveryEvent, recorder.Events);
    }

    [Fact]
    public void A_throwing_observer_is_reported_once_and_the_others_still_receive_every_call_in_order()
    {
        var before = new RecordingObserver();
        var thrower = new ThrowingObserver();
        var after = new RecordingObserver();
        var faults = new List<(IExchangeObserver Observer, string Message, long Count)>();
        var observers = new ExchangeObservers([before, thrower, after], (o, e, n) => faults.Add((o, e.Message, n)));

        Replay(observers, EveryEvent);

        Assert.Equal(EveryEvent, before.Events);
        Assert.Equal(EveryEvent, after.Events);

        // The first failure at once, with its exception; after Finished, the total of all twelve.
        Assert.Equal([(thrower, "listening", 1L), (thrower, "listening", 12L)], faults);
        Assert.Equal(12, observers.FaultsOf(1));
        Assert.Equal(0, observers.FaultsOf(0));
    }

    [Fact]
    public void An_observer_that_fails_on_every_square_is_reported_once_not_once_per_square()
    {
        int reports = 0;
        long total = 0;
        var observers = new ExchangeObservers([new ThrowingObserver()], (_, _, n) =>
        {
            reports++;
            total = n;
        });

        for (int i = 1; i <= 10_000; i++)
        {
            observers.SquareServed(Connection, i, (long)i * i, i);
        }

        Assert.Equal(1, reports);
        Assert.Equal(1, total);

        observers.Finished(false, "over");
        Assert.Equal(2, reports);
        Assert.Equal(10_001, total);
    }

    [Fact]
    public void The_two_argument_handler_hears_only_the_first_failure()
    {
        var heard = new List<string>();
        var observers = new ExchangeObservers([new ThrowingObserver()], (_, e) => heard.Add(e.Message));

        Replay(observers, EveryEvent);

        Assert.Equal(["listening"], heard);
    }

    [Fact]
    public void A_session_with_a_broken_observer_still_answers()
    {
        var recorder = new RecordingObserver();
        int faults = 0;
        var observers = new ExchangeObservers([new ThrowingObserver(), recorder], (_, _, _) => faults++);
        var driver = new SessionDriver(new FramedServerSession(new FramedCodec(ProtocolLimits.Default), Connection, observers));

        SessionStatus status = driver.Receive("HELLO squares/1\n6\nBYE\n");

        Assert.Equal("WELCOME squares/1 max-digits=4096 max-line=8192\n36\nBYE 1\n", driver.Output);
        Assert.Equal(SessionStatus.Close(CloseReason.ClientGoodbye), status);
        Assert.Equal(1, faults);
        Assert.Equal(4, observers.FaultsOf(0));
        Assert.Equal(
            [
                new Greeted(Connection, "WELCOME squares/1 max-digits=4096 max-line=8192"),
                new Handshake(Connection, Dialect.Framed, 1),
                new Served(Connection, 6, 36, 1),
                new Goodbye(Connection, GoodbyeInitiator.Client, 1),
            ],
            recorder.Events);
    }

    [Fact]
    public void Arguments_are_required()
    {
        Assert.Throws<ArgumentNullException>(() => new ExchangeObservers(null!, static (_, _, _) => { }));
        Assert.Throws<ArgumentNullException>(() => new ExchangeObservers([], (ObserverFaultHandler)null!));
        Assert.Throws<ArgumentNullException>(() => new ExchangeObservers([], (Action<IExchangeObserver, Exception>)null!));
    }

    /// <summary>Makes each recorded call again on <paramref name="observer"/>.</summary>
    internal static void Replay(IExchangeObserver observer, IEnumerable<ObservedEvent> events)
    {
        foreach (ObservedEvent e in events)
        {
            switch (e)
            {
                case ListeningOn l: observer.Listening(l.LocalEndPoint); break;
                case ConnectingTo c: observer.Connecting(c.RemoteEndPoint, c.Attempt); break;
                case ReconnectingIn r: observer.Reconnecting(r.Reason, r.Delay, r.Attempt, r.MaxAttempts, r.Unanswered); break;
                case StoppingNow: observer.Stopping(); break;
                case FinishedRun f: observer.Finished(f.Succeeded, f.Summary); break;
                case Opened o: observer.ConnectionOpened(o.Connection); break;
                case Greeted g: observer.ServerGreeted(g.Connection, g.Greeting); break;
                case Handshake h: observer.HandshakeCompleted(h.Connection, h.Dialect, h.Version); break;
                case Served s: observer.SquareServed(s.Connection, s.Value, s.Square, s.Count); break;
                case Rejected r: observer.RequestRejected(r.Connection, r.Error); break;
                case Goodbye g: observer.GoodbyeSaid(g.Connection, g.Initiator, g.Count); break;
                case Closed c: observer.ConnectionClosed(c.Connection, c.Reason, c.Count); break;
                default: throw new ArgumentException($"unknown event {e}", nameof(events));
            }
        }
    }
}
