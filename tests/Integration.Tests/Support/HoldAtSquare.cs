using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Integration.Tests.Support;

/// <summary>
/// An observer that holds the client's exchange loop inside one square until the test releases it
/// (observers are called synchronously), so that a test can act at an exact point of a run.
/// </summary>
public sealed class HoldAtSquare(long holdAt) : IExchangeObserver, IDisposable
{
    private static readonly TimeSpan LongestHold = TimeSpan.FromMinutes(2);

    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _released = new();
    private long _seen;

    /// <summary>Completes when the client is being held.</summary>
    public Task Reached => _reached.Task;

    public void Release() => _released.Set();

    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        if (Interlocked.Increment(ref _seen) == holdAt)
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
