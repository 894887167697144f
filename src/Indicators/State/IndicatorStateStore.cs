using System.Runtime.InteropServices;
using IotSquares.Protocol;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Indicators.State;

/// <summary>
/// Folds the exchange events into one <see cref="IndicatorState"/>. Every call only takes a short lock; a
/// batch of squares (the hot path: one <see cref="SquareServed"/> per flushed batch on the connection loop,
/// per square only in lockstep) only stores the numbers, without allocating: the snapshot and the decimal
/// text are made when the render loop reads <see cref="Current"/>.
/// </summary>
public sealed class IndicatorStateStore : IExchangeObserver, IDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly RateMeter _rate = new();
    // Counts are per connection in the events; the display shows the total, so remember the last per connection.
    private readonly Dictionary<long, long> _countByConnection = [];
    // Connections whose refusal was already counted: their close (busy, fatal protocol error) is the same error.
    private readonly HashSet<long> _rejected = [];
    private IndicatorState _state;
    private ProtocolInteger _latestValue;
    private ProtocolInteger _latestSquare;
    private bool _hasSquare;
    private long _total;
    private double _rateValue;
    private long _version;
    private IndicatorState? _snapshot;
    private long _snapshotVersion = -1;
    // Copied on subscribe, read without the lock: render loops subscribe once, before the events start.
    private WakeSignal[] _onEveryChange = [];
    private WakeSignal[] _onEventChange = [];

    /// <summary>Starts in the waiting stage for <paramref name="role"/> at <paramref name="endpoint"/>.</summary>
    public IndicatorStateStore(IndicatorRole role, string endpoint, TimeProvider timeProvider)
    {
        _time = timeProvider;
        _state = new IndicatorState { Role = role, Endpoint = endpoint, StageSince = timeProvider.GetUtcNow() };
    }

    /// <summary>The latest snapshot (made at most once per change).</summary>
    public IndicatorState Current
    {
        get
        {
            lock (_gate)
            {
                if (_snapshot is null || _snapshotVersion != _version)
                {
                    _snapshot = _state with
                    {
                        LatestValue = _hasSquare ? _latestValue.ToString() : "",
                        LatestSquare = _hasSquare ? _latestSquare.ToString() : "",
                        Count = _total,
                        Rate = _rateValue,
                        Version = _version,
                    };
                    _snapshotVersion = _version;
                }

                return _snapshot;
            }
        }
    }

    /// <summary>
    /// Raises <paramref name="signal"/> after every change (coalesced: the loop then reads the latest snapshot), or,
    /// with <paramref name="onSquares"/> false, after every change but a batch of squares.
    /// </summary>
    public void Subscribe(WakeSignal signal, bool onSquares = true)
    {
        ArgumentNullException.ThrowIfNull(signal);
        lock (_gate)
        {
            if (onSquares)
            {
                _onEveryChange = [.. _onEveryChange, signal];
            }
            else
            {
                _onEventChange = [.. _onEventChange, signal];
            }
        }
    }

    /// <inheritdoc />
    public void Listening(string localEndPoint) =>
        Update(s => s with { Endpoint = localEndPoint, Stage = HandshakeStage.Waiting, StageSince = Now });

    /// <inheritdoc />
    public void Connecting(string remoteEndPoint, int attempt) =>
        Update(s => s with { Endpoint = remoteEndPoint, Stage = HandshakeStage.Waiting, StageSince = Now });

    /// <inheritdoc />
    public void Reconnecting(string reason, TimeSpan delay, int attempt, int maxAttempts, long unanswered) =>
        Update(s => s with
        {
            Reconnecting = true,
            ReconnectAttempt = attempt,
            Stage = HandshakeStage.Waiting,
            StageSince = Now,
        });

    /// <inheritdoc />
    public void Stopping() => Update(s => s with { Stopping = true });

    /// <inheritdoc />
    public void Finished(bool succeeded, string summary) =>
        Update(s => s with
        {
            Finished = true,
            Succeeded = succeeded,
            Reconnecting = false,
            Stage = HandshakeStage.Goodbye,
            StageSince = Now,
            Errors = succeeded ? s.Errors : s.Errors + 1,
            LastErrorAt = succeeded ? s.LastErrorAt : Now,
        });

    /// <inheritdoc />
    public void ConnectionOpened(ConnectionInfo connection) =>
        Update(s =>
        {
            _countByConnection[connection.Id] = 0;
            bool anotherReady = s.Stage == HandshakeStage.Ready && s.Connections > 0;
            return s with
            {
                Connections = s.Connections + 1,
                Reconnecting = false,
                ReconnectAttempt = 0,
                Stage = anotherReady ? s.Stage : HandshakeStage.Greeting,
                StageSince = anotherReady ? s.StageSince : Now,
            };
        });

    /// <inheritdoc />
    public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version) =>
        Update(s => s with
        {
            Stage = HandshakeStage.Ready,
            StageSince = s.Stage == HandshakeStage.Ready ? s.StageSince : Now,
            Dialect = dialect == Dialect.Framed ? $"framed/{version}" : dialect.ToString().ToLowerInvariant(),
        });

    /// <inheritdoc />
    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        lock (_gate)
        {
            // One hash lookup per batch (this runs on the connection loop): read and update in place.
            ref long known = ref CollectionsMarshal.GetValueRefOrAddDefault(_countByConnection, connection.Id, out _);
            long before = known;
            known = Math.Max(before, count);
            // Counts are per connection; an event stands for every square since the connection's last one.
            _total += Math.Max(0, count - before);
            _latestValue = value;
            _latestSquare = square;
            _hasSquare = true;
            _rateValue = _rate.Update(_total, Now);
            _version++;
        }

        // Once per batch on the connection loop: while the render loops have not taken the last raise, one read each.
        Raise(_onEveryChange);
    }

    /// <inheritdoc />
    public void RequestRejected(ConnectionInfo connection, ProtocolError error) =>
        Update(s =>
        {
            _rejected.Add(connection.Id);
            return s with { Errors = s.Errors + 1, LastErrorAt = Now };
        });

    /// <inheritdoc />
    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) =>
        Update(s => s.Role == IndicatorRole.Client || s.Connections <= 1
            ? s with { Stage = HandshakeStage.Goodbye, StageSince = Now }
            : s);

    /// <inheritdoc />
    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count) =>
        Update(s =>
        {
            _countByConnection.Remove(connection.Id);
            bool alreadyCounted = _rejected.Remove(connection.Id);
            bool failed = IsFailure(reason) && !alreadyCounted;
            int open = Math.Max(0, s.Connections - 1);
            // The last client gone: the server shows goodbye, then (see the LED patterns) waits again.
            bool lastGone = open == 0 && s.Stage != HandshakeStage.Goodbye;
            return s with
            {
                Connections = open,
                Errors = failed ? s.Errors + 1 : s.Errors,
                LastErrorAt = failed ? Now : s.LastErrorAt,
                Stage = lastGone ? StageAfterLastClose(s.Role, failed) : s.Stage,
                StageSince = lastGone ? Now : s.StageSince,
            };
        });

    /// <inheritdoc />
    public void Dispose()
    {
        // The signals belong to the render loops that subscribed them.
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    // A client whose connection failed waits to reconnect; any other end of the last connection is a goodbye.
    private static HandshakeStage StageAfterLastClose(IndicatorRole role, bool failed) =>
        role == IndicatorRole.Client && failed ? HandshakeStage.Waiting : HandshakeStage.Goodbye;

    private static bool IsFailure(CloseReason reason) => reason is CloseReason.ConnectionLost
        or CloseReason.ProtocolError or CloseReason.TimedOut or CloseReason.ServerBusy;

    private void Update(Func<IndicatorState, IndicatorState> change)
    {
        lock (_gate)
        {
            IndicatorState next = change(_state);
            if (ReferenceEquals(next, _state))
            {
                return;
            }

            _state = next;
            _version++;
        }

        Raise(_onEveryChange);
        Raise(_onEventChange);
    }

    private static void Raise(WakeSignal[] signals)
    {
        foreach (WakeSignal signal in signals)
        {
            signal.Raise();
        }
    }
}
