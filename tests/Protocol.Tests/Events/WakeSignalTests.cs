using IotSquares.Protocol.Events;
using Microsoft.Extensions.Time.Testing;

namespace IotSquares.Protocol.Tests.Events;

/// <summary>
/// The loops' wake-up: raised or due on the clock it is given. On a fake clock the waits end only when the test
/// advances it; the tests wait on conditions (generous deadlines), never on fixed times.
/// </summary>
public sealed class WakeSignalTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_raise_before_the_wait_is_taken_once_and_many_raises_are_one()
    {
        var time = new FakeTimeProvider();
        using var signal = new WakeSignal(time);
        for (int i = 0; i < 1000; i++)
        {
            signal.Raise();
        }

        Assert.True(signal.WaitRaised(until: null));
        // Taken: the next wait ends only when its moment comes on the clock.
        Task<bool> second = Task.Run(() => signal.WaitRaised(time.GetUtcNow() + TimeSpan.FromMilliseconds(10)));
        await PumpAsync(time, () => second.IsCompleted);
        Assert.False(await second);
    }

    [Fact]
    public async Task A_waiting_loop_wakes_on_a_raise_from_another_thread()
    {
        using var signal = new WakeSignal(TimeProvider.System);
        Task<bool> waiting = Task.Run(() => signal.WaitRaised(until: null));
        signal.Raise();
        Assert.True(await waiting.WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_sleep_ends_when_the_fake_clock_reaches_its_moment_not_before_and_leaves_a_raise_pending()
    {
        var time = new FakeTimeProvider();
        using var signal = new WakeSignal(time);
        DateTimeOffset until = time.GetUtcNow() + TimeSpan.FromMilliseconds(20);
        Task sleeping = Task.Run(() => signal.SleepUntil(until));
        signal.Raise();
        time.Advance(TimeSpan.FromMilliseconds(19));
        await Task.WhenAny(sleeping, Task.Delay(50));
        Assert.False(sleeping.IsCompleted, "woke before its moment");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await sleeping.WaitAsync(Deadline);
        Assert.True(signal.WaitRaised(until: null), "the raise during the sleep was lost");
    }

    [Fact]
    public async Task Close_ends_every_wait_at_once()
    {
        using var signal = new WakeSignal(TimeProvider.System);
        Task<bool> waiting = Task.Run(() => signal.WaitRaised(until: null));
        Task sleeping = Task.Run(() => signal.SleepUntil(DateTimeOffset.UtcNow + TimeSpan.FromHours(1)));
        signal.Close();
        await Task.WhenAll(waiting, sleeping).WaitAsync(Deadline);
        Assert.False(await waiting);
        Assert.True(signal.IsClosed);
    }

    // Moves the fake clock on a millisecond at a time until the condition holds.
    private static async Task PumpAsync(FakeTimeProvider time, Func<bool> condition)
    {
        DateTime end = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < end, "timed out waiting for the wait to end");
            time.Advance(TimeSpan.FromMilliseconds(1));
            await Task.Delay(1);
        }
    }
}
