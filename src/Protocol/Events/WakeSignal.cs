namespace IotSquares.Protocol.Events;

/// <summary>
/// Wakes one loop that runs on a thread of its own (the queue adapter's delivery loop, the indicators' LED and
/// display loops) when something changed, and lets it sleep until a moment on a <see cref="TimeProvider"/>.
/// <para>
/// Why not a <c>SemaphoreSlim</c> and <c>Task.Delay</c>: each timed wait then costs a wake-up of the runtime's
/// timer thread and of a thread-pool worker, which spins (yielding the CPU dozens of times) before it parks
/// again; on a 2-core Pi that competes with the connection loops. Here, with the system clock, the loop's own
/// thread waits on its own monitor with a timeout: one wake-up, by the kernel, when it is due or raised. With
/// any other <see cref="TimeProvider"/> (a <c>FakeTimeProvider</c> in tests) it waits for a timer of that
/// provider, so tests step the loop by advancing their clock.
/// </para>
/// </summary>
public sealed class WakeSignal : IDisposable
{
    /// <summary>The longest single wait: a loop re-reads the clock at least this often (a wall clock that jumps, a lost timer).</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly bool _systemClock;
    private ITimer? _timer;
    private int _raised;
    private bool _waitingForRaise;
    private bool _timerFired;
    private bool _closed;

    /// <summary>Creates the signal, not raised, on <paramref name="timeProvider"/>'s clock.</summary>
    public WakeSignal(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _systemClock = ReferenceEquals(timeProvider, TimeProvider.System);
    }

    /// <summary>Whether <see cref="Close"/> was called.</summary>
    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>
    /// Marks something changed, and wakes the loop if it waits for that. Never blocks for long; while a raise is
    /// pending (the loop has not taken it yet), a call is one read, so a hot path may call it every time.
    /// </summary>
    public void Raise()
    {
        if (Volatile.Read(ref _raised) != 0 || Interlocked.Exchange(ref _raised, 1) != 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_waitingForRaise)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    /// <summary>
    /// Waits until raised since the last raise was taken (then takes it and returns true), or until
    /// <paramref name="until"/> on the clock (null: no deadline) or <see cref="Close"/> (false).
    /// </summary>
    public bool WaitRaised(DateTimeOffset? until) => Wait(until, forRaise: true);

    /// <summary>Sleeps until <paramref name="until"/> on the clock or <see cref="Close"/>; a raise meanwhile stays pending.</summary>
    public void SleepUntil(DateTimeOffset until) => Wait(until, forRaise: false);

    /// <summary>Wakes the loop for good: every wait from now on returns at once.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Close();
        _timer?.Dispose();
    }

    private bool Wait(DateTimeOffset? until, bool forRaise)
    {
        while (true)
        {
            TimeSpan left = until is { } due ? due - _time.GetUtcNow() : LongestWait;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            left = left < LongestWait ? left : LongestWait;
            if (!_systemClock)
            {
                ArmTimer(left);
            }

            lock (_gate)
            {
                if (_closed)
                {
                    return false;
                }

                if (forRaise && Interlocked.Exchange(ref _raised, 0) != 0)
                {
                    return true;
                }

                if (_systemClock || !_timerFired)
                {
                    _waitingForRaise = forRaise;
                    // Whole milliseconds, rounded up: waking a fraction early would only cost a second, empty wait.
                    Monitor.Wait(_gate, _systemClock ? TimeSpan.FromMilliseconds(Math.Ceiling(left.TotalMilliseconds)) : LongestWait);
                    _waitingForRaise = false;
                }
            }
        }
    }

    // Another clock (a test's): its timer wakes the wait. Armed outside the gate, as the clock may fire it at once.
    private void ArmTimer(TimeSpan due)
    {
        lock (_gate)
        {
            _timerFired = false;
        }

        if (_timer is null)
        {
            _timer = _time.CreateTimer(static state => ((WakeSignal)state!).TimerFired(), this, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void TimerFired()
    {
        lock (_gate)
        {
            _timerFired = true;
            Monitor.PulseAll(_gate);
        }
    }
}
