using System.Collections.Concurrent;
using System.Net;
using IotSquares.Server.Health;
using IotSquares.Server.Listening;
using IotSquares.Server.Systemd;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace IotSquares.Server.Tests.Health;

/// <summary>
/// The watchdog's heartbeats and keep-alive timer run on the host's <see cref="TimeProvider"/>: with a fake
/// clock, a loop is stuck exactly when the test moves time past the limit, and not a moment before. On the
/// real clock none of these seconds would pass during the test, so each would fail.
/// </summary>
public sealed class WatchdogClockTests
{
    // Generous: a working timer reacts within microseconds of the fake clock's move.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_loop_counts_as_stuck_once_the_clock_has_moved_past_the_limit_and_not_while_it_waits()
    {
        var heartbeats = new Heartbeats(enabled: true, _time);
        using LoopHeartbeat loop = heartbeats.Start("loop of connection 7")!;

        loop.Busy();
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Null(heartbeats.FindStuck(TimeSpan.FromSeconds(5)));

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(("loop of connection 7", TimeSpan.FromSeconds(6)), heartbeats.FindStuck(TimeSpan.FromSeconds(5)));

        // Waiting for the network, however long, is healthy.
        loop.Waiting();
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(heartbeats.FindStuck(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Keep_alives_come_every_half_timeout_of_the_fake_clock_stop_for_a_stuck_loop_and_resume()
    {
        var notifier = new RecordingNotifier();
        var logger = new RecordingLogger();
        var heartbeats = new Heartbeats(enabled: true, _time);
        var endpoints = new ServerEndpoints();
        endpoints.SetBound([new IPEndPoint(IPAddress.Loopback, 50007)]);
        using var lifetime = new Lifetime();
        await using var keepAlive = new WatchdogKeepAlive(
            notifier, new WatchdogSettings(TimeSpan.FromSeconds(10)), heartbeats, endpoints, lifetime, logger);
        await keepAlive.StartAsync(CancellationToken.None);

        await WaitUntil(() => notifier.Watchdogs == 1); // The first at once.
        using LoopHeartbeat loop = heartbeats.Start("loop of connection 7")!;
        loop.Busy();

        _time.Advance(TimeSpan.FromSeconds(5)); // Busy for 5 s, not more than the 5 s allowed: still alive.
        await WaitUntil(() => notifier.Watchdogs == 2);

        _time.Advance(TimeSpan.FromSeconds(5)); // Busy for 10 s: stuck, no keep-alive.
        await WaitUntil(() => logger.Lines.Any(static l => l.Contains("has been busy for 10 s", StringComparison.Ordinal)));
        Assert.Equal(2, notifier.Watchdogs);

        loop.Waiting();
        _time.Advance(TimeSpan.FromSeconds(5));
        // The keep-alive goes out just before the line saying so: wait for both.
        await WaitUntil(() => notifier.Watchdogs == 3 && logger.Lines.Any(static l => l.Contains("keep-alives resume", StringComparison.Ordinal)));
        Assert.Equal(3, notifier.Watchdogs);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), patience.Token);
        }
    }

    private sealed class RecordingNotifier : IServiceNotifier
    {
        private int _watchdogs;

        public bool IsEnabled => true;

        public int Watchdogs => Volatile.Read(ref _watchdogs);

        public void Notify(string state)
        {
            if (state == ServiceStates.Watchdog)
            {
                Interlocked.Increment(ref _watchdogs);
            }
        }
    }

    private sealed class RecordingLogger : ILogger<WatchdogKeepAlive>
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue(formatter(state, exception));
    }

    private sealed class Lifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _started = new();
        private readonly CancellationTokenSource _stopping = new();
        private readonly CancellationTokenSource _stopped = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => _stopped.Token;

        public void StopApplication() => _stopping.Cancel();

        public void Dispose()
        {
            _started.Dispose();
            _stopping.Dispose();
            _stopped.Dispose();
        }
    }
}
