using IotSquares.Server.Health;
using IotSquares.Server.Listening;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IotSquares.Server.Systemd;

/// <summary>
/// Sends <c>WATCHDOG=1</c> every half watchdog timeout, but only while every loop makes progress:
/// a loop that has worked on one thing for longer than half the timeout stops the keep-alives, and
/// systemd then restarts the service (<c>Restart=on-failure</c>). A server whose thread pool is starved
/// stops them too, since this timer needs the pool as well. Waiting for clients is not a hang.
/// </summary>
internal sealed partial class WatchdogKeepAlive : IHostedService, IAsyncDisposable
{
    private readonly IServiceNotifier _notifier;
    private readonly WatchdogSettings? _settings;
    private readonly Heartbeats _heartbeats;
    private readonly ServerEndpoints _endpoints;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<WatchdogKeepAlive> _logger;
    private readonly CancellationTokenSource _end = new();
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public WatchdogKeepAlive(
        IServiceNotifier notifier, WatchdogSettings? settings, Heartbeats heartbeats, ServerEndpoints endpoints, IHostApplicationLifetime lifetime, ILogger<WatchdogKeepAlive> logger)
    {
        _notifier = notifier;
        _settings = settings;
        _heartbeats = heartbeats;
        _endpoints = endpoints;
        _lifetime = lifetime;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_notifier.IsEnabled && _settings is not null)
        {
            _loop = RunAsync(_settings, _end.Token);
        }

        return Task.CompletedTask;
    }

    // Keep-alives go on through the drain (it is bounded by the shutdown timeout) until the host has stopped.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Idempotent: the container may dispose an instance registered under two service types twice.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _end.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _end.Dispose();
    }

    private async Task RunAsync(WatchdogSettings settings, CancellationToken end)
    {
        try
        {
            await _endpoints.Bound.WaitAsync(end);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.Sockets.SocketException)
        {
            return;
        }

        LogEnabled(settings.Timeout.TotalSeconds, settings.KeepAliveInterval.TotalSeconds);
        using CancellationTokenSource stopped = CancellationTokenSource.CreateLinkedTokenSource(end, _lifetime.ApplicationStopped);
        using var timer = new PeriodicTimer(settings.KeepAliveInterval);
        bool wasStuck = false;
        try
        {
            do
            {
                (string Name, TimeSpan BusyFor)? stuck = _heartbeats.FindStuck(settings.StuckAfter);
                if (stuck is null)
                {
                    _notifier.Notify(ServiceStates.Watchdog);
                    if (wasStuck)
                    {
                        LogRecovered();
                    }
                }
                else if (!wasStuck)
                {
                    LogStuck(stuck.Value.Name, stuck.Value.BusyFor.TotalSeconds);
                }

                wasStuck = stuck is not null;
            }
            while (await timer.WaitForNextTickAsync(stopped.Token));
        }
        catch (OperationCanceledException)
        {
            // The host has stopped.
        }
    }

    [LoggerMessage(EventId = 611, Level = LogLevel.Information, Message = "Watchdog: timeout {Timeout:0.#} s, keep-alive every {Interval:0.#} s while every loop makes progress")]
    private partial void LogEnabled(double timeout, double interval);

    [LoggerMessage(EventId = 612, Level = LogLevel.Critical, Message = "Watchdog: the {Loop} has been busy for {Seconds:0.0} s; no more keep-alives, the service manager will restart the server")]
    private partial void LogStuck(string loop, double seconds);

    [LoggerMessage(EventId = 613, Level = LogLevel.Warning, Message = "Watchdog: every loop makes progress again; keep-alives resume")]
    private partial void LogRecovered();
}
