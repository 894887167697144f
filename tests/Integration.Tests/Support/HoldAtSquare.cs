using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Integration.Tests.Support;

/// <summary>
/// An observer that holds the client's exchange loop inside the batch of squares that reaches
/// <c>holdAt</c> (observers are called synchronously) until the test releases it, so that a test can act
/// at a known point of a run. Squares are reported once per batch, so the hold is at the first report whose
/// count (the squares verified so far, across connections) is at least <c>holdAt</c>.
/// </summary>
public sealed class HoldAtSquare(long holdAt) : IExchangeObserver, IDisposable
{
    private static readonly TimeSpan LongestHold = TimeSpan.FromMinutes(2);

    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _released = new();
    private long _seen;
    private long _lastCount;
    private int _held;

    /// <summary>Completes when the client is being held.</summary>
    public Task Reached => _reached.Task;

    public void Release() => _released.Set();

    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        // One event stands for every square since the connection's last one (its count minus the last count).
        long before = count > _lastCount ? _lastCount : 0;
        _lastCount = count;
        if (Interlocked.Add(ref _seen, count - before) >= holdAt && Interlocked.Exchange(ref _held, 1) == 0)
        {
            _reached.TrySetResult();
            _released.Wait(LongestHold); // Bounded: a test that forgets to release fails slowly, never hangs.
        }
    }

    public void Dispose()
    {
        _released.Set();
        _released.Dispose();
    }
}
