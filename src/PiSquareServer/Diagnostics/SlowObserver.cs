using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Server.Diagnostics;

/// <summary>
/// Stands in for slow hardware when measuring: every call it takes blocks its thread for a fixed time,
/// as a full SSD1306 frame over I2C at 400 kHz does (about 20 ms). Only ever registered behind a
/// <see cref="QueuedExchangeObserver"/>, by the hidden <c>--diagnostics-slow-observer</c> option.
/// </summary>
internal sealed class SlowObserver : IExchangeObserver
{
    private readonly TimeSpan _perCall;

    public SlowObserver(TimeSpan perCall) => _perCall = perCall;

    public void ConnectionOpened(ConnectionInfo connection) => Work();

    public void HandshakeCompleted(ConnectionInfo connection, Protocol.Dialect dialect, int version) => Work();

    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count) => Work();

    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) => Work();

    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count) => Work();

    private void Work() => Thread.Sleep(_perCall);
}
