using IotSquares.Protocol.Events;

namespace IotSquares.Protocol.Tests.Events;

/// <summary>A loop started on a thread of its own: named, in the background, off the pool, and its task ends with it.</summary>
public sealed class LoopThreadTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_loop_runs_on_a_named_background_thread_of_its_own_and_its_task_completes_when_it_returns()
    {
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        Thread? loopThread = null;
        string? name = null;
        bool isBackground = false, isPoolThread = true;
        Task done = LoopThread.Start("test loop", () =>
        {
            // Read while the thread lives: a thread that has ended no longer answers IsBackground.
            loopThread = Thread.CurrentThread;
            (name, isBackground, isPoolThread) = (loopThread.Name, loopThread.IsBackground, loopThread.IsThreadPoolThread);
            started.Set();
            release.Wait(Deadline);
        });

        Assert.True(started.Wait(Deadline));
        // The loop is still in its wait: its task cannot have completed.
        Assert.False(done.IsCompleted);
        release.Set();
        await done.WaitAsync(Deadline);

        Assert.NotNull(loopThread);
        Assert.Equal("test loop", name);
        Assert.True(isBackground);
        Assert.False(isPoolThread);
        Assert.NotSame(Thread.CurrentThread, loopThread);
    }
}
