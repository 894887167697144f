using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Events;

/// <summary>
/// Told that an observer threw. <paramref name="count"/> is 1 the first time; later failures of the same
/// observer are only counted, and their total is reported once more after <see cref="IExchangeObserver.Finished"/>
/// (or <see cref="ExchangeObservers.ReportFaultTotals"/>), so an observer that fails on every square is one line, not millions.
/// </summary>
/// <param name="observer">The observer that threw.</param>
/// <param name="exception">The first exception it threw.</param>
/// <param name="count">How many of its calls have thrown so far.</param>
public delegate void ObserverFaultHandler(IExchangeObserver observer, Exception exception, long count);

/// <summary>
/// Fans every call out to several observers, on the server and the client alike. An observer that
/// throws is reported to the fault handler and the others still run: a broken LED must never break
/// an exchange.
/// </summary>
public sealed class ExchangeObservers : IExchangeObserver
{
    private readonly IExchangeObserver[] _observers;
    private readonly ObserverFaultHandler _onFault;
    private readonly long[] _faults;
    private readonly Exception?[] _firstFaults;

    /// <summary>Creates the fan-out.</summary>
    /// <param name="observers">The observers, called in order.</param>
    /// <param name="onFault">Told of each observer's first exception, and of its total at the end.</param>
    public ExchangeObservers(IEnumerable<IExchangeObserver> observers, ObserverFaultHandler onFault)
    {
        ArgumentNullException.ThrowIfNull(observers);
        ArgumentNullException.ThrowIfNull(onFault);
        _observers = [.. observers];
        _onFault = onFault;
        _faults = new long[_observers.Length];
        _firstFaults = new Exception?[_observers.Length];
    }

    /// <summary>Creates the fan-out with a handler that is told of each observer's first exception only.</summary>
    public ExchangeObservers(IEnumerable<IExchangeObserver> observers, Action<IExchangeObserver, Exception> onFault)
        : this(observers, Once(onFault))
    {
    }

    /// <summary>An observer that ignores everything.</summary>
    public static IExchangeObserver None { get; } = new ExchangeObservers([], static (_, _, _) => { });

    /// <summary>How many observers are called.</summary>
    public int Count => _observers.Length;

    /// <summary>How many calls the observer at <paramref name="index"/> (in the order given) has failed.</summary>
    public long FaultsOf(int index) => Interlocked.Read(ref _faults[index]);

    /// <inheritdoc />
    public void Listening(string localEndPoint) => Notify(localEndPoint, static (o, s) => o.Listening(s));

    /// <inheritdoc />
    public void Connecting(string remoteEndPoint, int attempt) =>
        Notify((remoteEndPoint, attempt), static (o, s) => o.Connecting(s.remoteEndPoint, s.attempt));

    /// <inheritdoc />
    public void Reconnecting(string reason, TimeSpan delay, int attempt, int maxAttempts, long unanswered) =>
        Notify((reason, delay, attempt, maxAttempts, unanswered), static (o, s) => o.Reconnecting(s.reason, s.delay, s.attempt, s.maxAttempts, s.unanswered));

    /// <inheritdoc />
    public void Stopping() => Notify(0, static (o, _) => o.Stopping());

    /// <inheritdoc />
    public void Finished(bool succeeded, string summary)
    {
        Notify((succeeded, summary), static (o, s) => o.Finished(s.succeeded, s.summary));
        ReportFaultTotals();
    }

    /// <inheritdoc />
    public void ConnectionOpened(ConnectionInfo connection) =>
        Notify(connection, static (o, c) => o.ConnectionOpened(c));

    /// <inheritdoc />
    public void ServerGreeted(ConnectionInfo connection, string greeting) =>
        Notify((connection, greeting), static (o, s) => o.ServerGreeted(s.connection, s.greeting));

    /// <inheritdoc />
    public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version) =>
        Notify((connection, dialect, version), static (o, s) => o.HandshakeCompleted(s.connection, s.dialect, s.version));

    /// <inheritdoc />
    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        // The one event per batch of squares: called directly, without the state tuple (two integers of 40 bytes
        // each, copied per observer) and the delegate the other events go through.
        IExchangeObserver[] observers = _observers;
        for (int i = 0; i < observers.Length; i++)
        {
            try
            {
                observers[i].SquareServed(connection, value, square, count);
            }
#pragma warning disable CA1031 // An observer's failure is reported, never allowed to end the exchange.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Fault(i, ex);
            }
        }
    }

    /// <inheritdoc />
    public void RequestRejected(ConnectionInfo connection, ProtocolError error) =>
        Notify((connection, error), static (o, s) => o.RequestRejected(s.connection, s.error));

    /// <inheritdoc />
    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) =>
        Notify((connection, initiator, count), static (o, s) => o.GoodbyeSaid(s.connection, s.initiator, s.count));

    /// <inheritdoc />
    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count) =>
        Notify((connection, reason, count), static (o, s) => o.ConnectionClosed(s.connection, s.reason, s.count));

    /// <summary>
    /// Reports, once, the total of every observer that failed more than once since its first report.
    /// Called after <see cref="Finished"/>; a long-running host may also call it from time to time.
    /// </summary>
    public void ReportFaultTotals()
    {
        for (int i = 0; i < _observers.Length; i++)
        {
            long count = Interlocked.Read(ref _faults[i]);
            if (count > 1 && _firstFaults[i] is { } first)
            {
                _onFault(_observers[i], first, count);
            }
        }
    }

    private static ObserverFaultHandler Once(Action<IExchangeObserver, Exception> onFault)
    {
        ArgumentNullException.ThrowIfNull(onFault);
        return (observer, exception, count) =>
        {
            if (count == 1)
            {
                onFault(observer, exception);
            }
        };
    }

    // The state travels as a value tuple and the lambdas are static, so a call allocates nothing.
    private void Notify<TState>(TState state, Action<IExchangeObserver, TState> call)
    {
        for (int i = 0; i < _observers.Length; i++)
        {
            try
            {
                call(_observers[i], state);
            }
#pragma warning disable CA1031 // An observer's failure is reported, never allowed to end the exchange.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Fault(i, ex);
            }
        }
    }

    // Only the first failure of each observer is reported at once: the rest are counted for the total.
    private void Fault(int index, Exception exception)
    {
        if (Interlocked.Increment(ref _faults[index]) == 1)
        {
            _firstFaults[index] = exception;
            _onFault(_observers[index], exception, 1);
        }
    }
}
