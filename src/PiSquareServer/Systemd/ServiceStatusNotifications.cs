using IotSquares.CommandLine;
using IotSquares.Server.Connections;
using IotSquares.Server.Listening;
using Microsoft.Extensions.Hosting;

namespace IotSquares.Server.Systemd;

/// <summary>
/// Tells the service manager the server's state: <c>READY=1</c> once the listening sockets are bound,
/// <c>STOPPING=1</c> as soon as a stop begins (before the drain), and a <c>STATUS=</c> line (address,
/// connected clients, squares served) whenever it changes, at most once a second (plus one at the
/// moment a stop begins). The status keeps going through the drain, so <c>systemctl status</c> shows
/// how many goodbyes are left.
/// </summary>
internal sealed class ServiceStatusNotifications : ServiceManagerLoop
{
    /// <summary>How often the status line is refreshed (systemd's own status is not meant for more).</summary>
    public static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);

    private readonly IServiceNotifier _notifier;
    private readonly ServerEndpoints _endpoints;
    private readonly ConnectionTracker _connections;
    private readonly SquareTally _tally;
    private volatile bool _stopping;

    public ServiceStatusNotifications(
        IServiceNotifier notifier, ServerEndpoints endpoints, ConnectionTracker connections, SquareTally tally, IHostApplicationLifetime lifetime, TimeProvider time)
        : base(lifetime, time)
    {
        _notifier = notifier;
        _endpoints = endpoints;
        _connections = connections;
        _tally = tally;
    }

    protected override bool IsEnabled => _notifier.IsEnabled;

    protected override async Task RunAsync(CancellationToken end)
    {
        if (await WaitUntilBoundAsync(_endpoints, end) is not { } bound || !await WaitUntilStartedAsync(end))
        {
            return; // Never bound, or stopped before it ever started: never ready.
        }

        string address = string.Join(", ", bound.Select(e => e.ToString()));
        _notifier.Notify(ServiceStates.Ready);
        using CancellationTokenRegistration stopping = Lifetime.ApplicationStopping.Register(() =>
        {
            _stopping = true;
            _notifier.Notify(ServiceStates.Stopping);
            _notifier.Notify(ServiceStates.Status(Describe(address)));
        });
        string last = string.Empty;
        long lastSent = 0;
        await EveryAsync(StatusInterval, () =>
        {
            // A tick that comes late is followed by one that comes early; the clock, not the timer, keeps the pace.
            string status = Describe(address);
            if (status != last && (lastSent == 0 || Time.GetElapsedTime(lastSent) >= StatusInterval))
            {
                _notifier.Notify(ServiceStates.Status(status));
                last = status;
                lastSent = Math.Max(1, Time.GetTimestamp());
            }
        }, end);
    }

    // READY=1 only once the host has started as a whole: a SIGTERM that follows READY at once (a quick
    // `systemctl restart`) must meet a server that can drain, not one still starting its services.
    private async Task<bool> WaitUntilStartedAsync(CancellationToken end)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (Lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            try
            {
                await started.Task.WaitAsync(end);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    private string Describe(string address)
    {
        int clients = _connections.ActiveCount;
        string connected = CountText.Of(clients, "client", "clients");
        string served = CountText.Of(_tally.Served, "square", "squares");
        return _stopping
            ? $"Stopping: saying goodbye to {connected}; {served} served"
            : $"Listening on {address}; {connected} connected; {served} served";
    }
}
