namespace IotSquares.Protocol.Events;

/// <summary>The bounds of a <see cref="QueuedExchangeObserver"/>.</summary>
public sealed record QueuedObserverOptions
{
    /// <summary>
    /// Discrete events held at most while the slow observer catches up (plus two kept for
    /// <see cref="IExchangeObserver.Stopping"/> and <see cref="IExchangeObserver.Finished"/>). Each
    /// connection needs up to four (opened, greeted, handshake, closed); squares never take room.
    /// </summary>
    public int Capacity { get; init; } = 1024;

    /// <summary>
    /// The shortest time between two wake-ups of the delivery loop: squares arriving in between
    /// coalesce into one call. 20 ms is 50 frames a second, more than an I2C display can show.
    /// </summary>
    public TimeSpan MinimumInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long <see cref="QueuedExchangeObserver.DisposeAsync"/> waits for the queue to be delivered.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
