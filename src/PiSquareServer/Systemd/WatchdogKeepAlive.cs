using IotSquares.CommandLine;
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
internal sealed partial class WatchdogKeepAlive : ServiceManagerLoop
{
    private readonly IServiceNotifier _notifier;
    private readonly WatchdogSettings? _settings;
    private readonly Heartbeats _heartbeats;
    private readonly ServerEndpoints _endpoints;
    private readonly ILogger<WatchdogKeepAlive> _logger;

    public WatchdogKeepAlive(
        IServiceNotifier notifier, WatchdogSettings? settings, Heartbeats heartbeats, ServerEndpoints endpoints, IHostApplicationLifetime lifetime, ILogger<WatchdogKeepAlive> logger)
        : base(lifetime, heartbeats.Time)
    {
        _notifier = notifier;
        _settings = settings;
        _heartbeats = heartbeats;
        _endpoints = endpoints;
        _logger = logger;
    }

    // Keep-alives go on through the drain (it is bounded by the shutdown timeout) until the host has stopped.
    protected override bool IsEnabled => _notifier.IsEnabled && _settings is not null;

    protected override async Task RunAsync(CancellationToken end)
    {
        if (_settings is not { } settings || await WaitUntilBoundAsync(_endpoints, end) is null)
        {
            return;
        }

        LogEnabled(DurationText.Format(settings.Timeout), DurationText.Format(settings.KeepAliveInterval));
        bool wasStuck = false;
        await EveryAsync(settings.KeepAliveInterval, () =>
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
                LogStuck(stuck.Value.Name, DurationText.Format(stuck.Value.BusyFor));
            }

            wasStuck = stuck is not null;
        }, end);
    }

    [LoggerMessage(EventId = 611, Level = LogLevel.Information, Message = "Watchdog: timeout {Timeout}, keep-alive every {Interval} while every loop makes progress")]
    private partial void LogEnabled(string timeout, string interval);

    [LoggerMessage(EventId = 612, Level = LogLevel.Critical, Message = "Watchdog: the {Loop} has been busy for {BusyFor}; no more keep-alives, the service manager will restart the server")]
    private partial void LogStuck(string loop, string busyFor);

    [LoggerMessage(EventId = 613, Level = LogLevel.Warning, Message = "Watchdog: every loop makes progress again; keep-alives resume")]
    private partial void LogRecovered();
}
