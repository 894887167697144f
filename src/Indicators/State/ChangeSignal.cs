namespace IotSquares.Indicators.State;

/// <summary>
/// Wakes one waiting render loop when the state changed. Many changes before the loop wakes collapse
/// into one wake-up: the loop then reads the latest snapshot, so the latest state wins.
/// </summary>
public sealed class ChangeSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);
    private int _raised;

    /// <summary>Marks the state changed; never blocks, and costs one interlocked read while a change is pending.</summary>
    public void Raise()
    {
        // Called once per batch of squares on the connection loop: only the first change after a wake-up releases the
        // semaphore, the rest of a burst find the flag set and return at once.
        if (Volatile.Read(ref _raised) == 0 && Interlocked.Exchange(ref _raised, 1) == 0)
        {
            _semaphore.Release();
        }
    }

    /// <summary>Waits until <see cref="Raise"/> was called since the last wait returned.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        bool raised = await _semaphore.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        // Re-armed before the caller reads the state, so a change after that read wakes it again.
        Volatile.Write(ref _raised, 0);
        return raised;
    }

    /// <inheritdoc />
    public void Dispose() => _semaphore.Dispose();
}
