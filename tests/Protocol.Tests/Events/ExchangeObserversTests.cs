using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Sessions;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Events;

public class ExchangeObserversTests
{
    private static readonly ConnectionInfo Connection = new(1, "[::1]:1234");

    [Fact]
    public void A_throwing_observer_is_reported_and_the_others_still_receive_every_call()
    {
        var before = new RecordingObserver();
        var thrower = new ThrowingObserver();
        var after = new RecordingObserver();
        var faults = new List<(IExchangeObserver Observer, Exception Exception)>();
        var observers = new ExchangeObservers([before, thrower, after], (o, e) => faults.Add((o, e)));

        observers.ConnectionOpened(Connection);
        observers.HandshakeCompleted(Connection, Dialect.Framed, 1);
        observers.SquareServed(Connection, 4, 16, 1);
        observers.RequestRejected(Connection, ProtocolError.For(ErrorCode.NotAnInteger));
        observers.GoodbyeSaid(Connection, GoodbyeInitiator.Client, 1);
        observers.ConnectionClosed(Connection, CloseReason.ClientGoodbye, 1);

        ObservedEvent[] expected =
        [
            new Opened(Connection),
            new Handshake(Connection, Dialect.Framed, 1),
            new Served(Connection, 4, 16, 1),
            new Rejected(Connection, ProtocolError.For(ErrorCode.NotAnInteger)),
            new Goodbye(Connection, GoodbyeInitiator.Client, 1),
            new Closed(Connection, CloseReason.ClientGoodbye, 1),
        ];
        Assert.Equal(expected, before.Events);
        Assert.Equal(expected, after.Events);
        Assert.Equal(6, faults.Count);
        Assert.All(faults, static f => Assert.Same(f.Observer, f.Observer is ThrowingObserver ? f.Observer : null));
        Assert.All(faults, f => Assert.Same(thrower, f.Observer));
        Assert.Equal(
            ["opened", "handshake", "served", "rejected", "goodbye", "closed"],
            faults.Select(static f => Assert.IsType<InvalidOperationException>(f.Exception).Message));
        Assert.Equal(3, observers.Count);
    }

    [Fact]
    public void A_session_with_a_broken_observer_still_answers()
    {
        var recorder = new RecordingObserver();
        int faults = 0;
        var observers = new ExchangeObservers([new ThrowingObserver(), recorder], (_, _) => faults++);
        var driver = new SessionDriver(new FramedServerSession(new FramedCodec(ProtocolLimits.Default), Connection, observers));

        SessionStatus status = driver.Receive("HELLO squares/1\n6\nBYE\n");

        Assert.Equal("WELCOME squares/1 max-digits=4096 max-line=8192\n36\nBYE 1\n", driver.Output);
        Assert.Equal(SessionStatus.Close(CloseReason.ClientGoodbye), status);
        Assert.Equal(3, faults);
        Assert.Equal(3, recorder.Events.Count);
    }

    [Fact]
    public void None_ignores_everything()
    {
        IExchangeObserver none = ExchangeObservers.None;

        none.ConnectionOpened(Connection);
        none.SquareServed(Connection, 1, 1, 1);
        none.ConnectionClosed(Connection, CloseReason.PeerClosed, 1);

        Assert.Equal(0, ((ExchangeObservers)none).Count);
    }

    [Fact]
    public void The_default_interface_methods_do_nothing()
    {
        IExchangeObserver silent = new SilentObserver();

        silent.ConnectionOpened(Connection);
        silent.HandshakeCompleted(Connection, Dialect.Textbook, 0);
        silent.SquareServed(Connection, 2, 4, 1);
        silent.RequestRejected(Connection, ProtocolError.For(ErrorCode.EmptyRequest));
        silent.GoodbyeSaid(Connection, GoodbyeInitiator.Server, 1);
        silent.ConnectionClosed(Connection, CloseReason.ServerShutdown, 1);
    }

    [Fact]
    public void Arguments_are_required()
    {
        Assert.Throws<ArgumentNullException>(() => new ExchangeObservers(null!, static (_, _) => { }));
        Assert.Throws<ArgumentNullException>(() => new ExchangeObservers([], null!));
    }

    private sealed class SilentObserver : IExchangeObserver
    {
    }
}
