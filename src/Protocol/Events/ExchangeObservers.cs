using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Events;

/// <summary>
/// Fans every call out to several observers. An observer that throws is reported to the fault
/// callback and the others still run: a broken LED must never break an exchange.
/// </summary>
public sealed class ExchangeObservers : IExchangeObserver
{
    private readonly IExchangeObserver[] _observers;
    private readonly Action<IExchangeObserver, Exception> _onFault;

    /// <summary>Creates the fan-out.</summary>
    /// <param name="observers">The observers, called in order.</param>
    /// <param name="onFault">Told of each exception an observer throws.</param>
    public ExchangeObservers(IEnumerable<IExchangeObserver> observers, Action<IExchangeObserver, Exception> onFault)
    {
        ArgumentNullException.ThrowIfNull(observers);
        ArgumentNullException.ThrowIfNull(onFault);
        _observers = [.. observers];
        _onFault = onFault;
    }

    /// <summary>An observer that ignores everything.</summary>
    public static IExchangeObserver None { get; } = new ExchangeObservers([], static (_, _) => { });

    /// <summary>How many observers are called.</summary>
    public int Count => _observers.Length;

    /// <inheritdoc />
    public void ConnectionOpened(ConnectionInfo connection) =>
        Notify(connection, static (o, c) => o.ConnectionOpened(c));

    /// <inheritdoc />
    public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version) =>
        Notify((connection, dialect, version), static (o, s) => o.HandshakeCompleted(s.connection, s.dialect, s.version));

    /// <inheritdoc />
    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count) =>
        Notify((connection, value, square, count), static (o, s) => o.SquareServed(s.connection, s.value, s.square, s.count));

    /// <inheritdoc />
    public void RequestRejected(ConnectionInfo connection, ProtocolError error) =>
        Notify((connection, error), static (o, s) => o.RequestRejected(s.connection, s.error));

    /// <inheritdoc />
    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) =>
        Notify((connection, initiator, count), static (o, s) => o.GoodbyeSaid(s.connection, s.initiator, s.count));

    /// <inheritdoc />
    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count) =>
        Notify((connection, reason, count), static (o, s) => o.ConnectionClosed(s.connection, s.reason, s.count));

    // The state travels as a value tuple and the lambdas are static, so a call allocates nothing.
    private void Notify<TState>(TState state, Action<IExchangeObserver, TState> call)
    {
        foreach (IExchangeObserver observer in _observers)
        {
            try
            {
                call(observer, state);
            }
#pragma warning disable CA1031 // An observer's failure is reported, never allowed to end the exchange.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _onFault(observer, ex);
            }
        }
    }
}
