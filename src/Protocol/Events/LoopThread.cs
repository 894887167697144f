namespace IotSquares.Protocol.Events;

/// <summary>
/// Starts a loop on a background thread of its own (the queue adapter's delivery loop, the indicators' LED and
/// display loops), not on the thread pool: such a loop blocks (on I2C, SPI, a <see cref="WakeSignal"/>), and on a
/// 2-core Pi a blocked pool worker is taken from the connection loops until the pool notices and grows, while a
/// pool worker woken for a timer spins before it parks again.
/// </summary>
public static class LoopThread
{
    /// <summary>Runs <paramref name="loop"/> on a new background thread named <paramref name="name"/>.</summary>
    /// <returns>A task that completes when <paramref name="loop"/> returns (its continuations never run on that thread).</returns>
    public static Task Start(string name, Action loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                loop();
            }
            finally
            {
                done.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }
}
