using System.Globalization;
using System.Net;
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
internal sealed class ServiceStatusNotifications : IHostedService, IAsyncDisposable
{
    /// <summary>How often the status line is refreshed (systemd's own status is not meant for more).</summary>
    public static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);

    private readonly IServiceNotifier _notifier;
    private readonly ServerEndpoints _endpoints;
    private readonly ConnectionTracker _connections;
    private readonly SquareTally _tally;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly CancellationTokenSource _end = new();
    private Task _loop = Task.CompletedTask;
    private int _disposed;
    private volatile bool _stopping;

    public ServiceStatusNotifications(
        IServiceNotifier notifier, ServerEndpoints endpoints, ConnectionTracker connections, SquareTally tally, IHostApplicationLifetime lifetime)
    {
        _notifier = notifier;
        _endpoints = endpoints;
        _connections = connections;
        _tally = tally;
        _lifetime = lifetime;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_notifier.IsEnabled)
        {
            _loop = RunAsync(_end.Token);
        }

        return Task.CompletedTask;
    }

    // The loop outlives this service's own stop on purpose: it reports the drain, which happens in the
    // server service's stop, and ends when the whole host has stopped.
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

    private async Task RunAsync(CancellationToken end)
    {
        IReadOnlyList<IPEndPoint> bound;
        try
        {
            bound = await _endpoints.Bound.WaitAsync(end);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.Sockets.SocketException)
        {
            return; // Never bound: the host fails with its own message (exit 69) and READY is never sent.
        }

        // READY=1 only once the host has started as a whole: a SIGTERM that follows READY at once (a quick
        // `systemctl restart`) must meet a server that can drain, not one still starting its services.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            try
            {
                await started.Task.WaitAsync(end);
            }
            catch (OperationCanceledException)
            {
                return; // Stopped before it ever started: never ready.
            }
        }

        string address = string.Join(", ", bound.Select(e => e.ToString()));
        _notifier.Notify(ServiceStates.Ready);
        using CancellationTokenRegistration stopping = _lifetime.ApplicationStopping.Register(() =>
        {
            _stopping = true;
            _notifier.Notify(ServiceStates.Stopping);
            _notifier.Notify(ServiceStates.Status(Describe(address)));
        });
        using CancellationTokenSource stopped = CancellationTokenSource.CreateLinkedTokenSource(end, _lifetime.ApplicationStopped);
        using var timer = new PeriodicTimer(StatusInterval);
        string last = string.Empty;
        long lastSent = 0;
        try
        {
            do
            {
                // A tick that comes late is followed by one that comes early; the clock, not the timer, keeps the pace.
                string status = Describe(address);
                if (status != last && (lastSent == 0 || TimeProvider.System.GetElapsedTime(lastSent) >= StatusInterval))
                {
                    _notifier.Notify(ServiceStates.Status(status));
                    last = status;
                    lastSent = TimeProvider.System.GetTimestamp();
                }
            }
            while (await timer.WaitForNextTickAsync(stopped.Token));
        }
        catch (OperationCanceledException)
        {
            // The host has stopped.
        }
    }

    private string Describe(string address)
    {
        int clients = _connections.ActiveCount;
        string served = _tally.Served.ToString("N0", CultureInfo.InvariantCulture);
        return _stopping
            ? string.Create(CultureInfo.InvariantCulture, $"Stopping: saying goodbye to {clients} {Clients(clients)}; {served} squares served")
            : string.Create(CultureInfo.InvariantCulture, $"Listening on {address}; {clients} {Clients(clients)} connected; {served} squares served");
    }

    private static string Clients(int count) => count == 1 ? "client" : "clients";
}
