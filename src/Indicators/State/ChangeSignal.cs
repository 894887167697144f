namespace IotSquares.Indicators.State;

/// <summary>
/// Wakes one waiting render loop when the state changed. Many changes before the loop wakes collapse
/// into one wake-up: the loop then reads the latest snapshot, so the latest state wins.
/// </summary>
public sealed class ChangeSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    /// <summary>Marks the state changed; never blocks.</summary>
    public void Raise()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already raised and not yet seen: one wake-up covers both changes.
        }
    }

    /// <summary>Waits until <see cref="Raise"/> was called since the last wait returned.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _semaphore.WaitAsync(timeout, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _semaphore.Dispose();
}
