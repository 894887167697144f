using System.Net;
using IotSquares.Server.Listening;
using Microsoft.Extensions.Hosting;

namespace IotSquares.Server.Systemd;

/// <summary>
/// The lifecycle the service manager's loops share (<see cref="ServiceStatusNotifications"/>,
/// <see cref="WatchdogKeepAlive"/>): one loop, started with the host when notifications are on, that
/// outlives the services' own stop on purpose (it reports the drain, which happens in the server
/// service's stop) and ends when the whole host has stopped or this is disposed.
/// </summary>
internal abstract class ServiceManagerLoop : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _end = new();
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    protected ServiceManagerLoop(IHostApplicationLifetime lifetime, TimeProvider time)
    {
        Lifetime = lifetime;
        Time = time;
    }

    /// <summary>The host's lifetime: when it has started, is stopping, has stopped.</summary>
    protected IHostApplicationLifetime Lifetime { get; }

    /// <summary>The clock the loop's ticks run on.</summary>
    protected TimeProvider Time { get; }

    /// <summary>Whether the loop runs at all (not without a service manager to talk to).</summary>
    protected abstract bool IsEnabled { get; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (IsEnabled)
        {
            _loop = RunAsync(_end.Token);
        }

        return Task.CompletedTask;
    }

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
        GC.SuppressFinalize(this);
    }

    /// <summary>The loop; <paramref name="end"/> is cancelled on dispose.</summary>
    protected abstract Task RunAsync(CancellationToken end);

    /// <summary>The bound endpoints, or null when the server never bound (it fails with its own message, exit 69) or this ended first.</summary>
    protected static async Task<IReadOnlyList<IPEndPoint>?> WaitUntilBoundAsync(ServerEndpoints endpoints, CancellationToken end)
    {
        try
        {
            return await endpoints.Bound.WaitAsync(end);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    /// <summary>Calls <paramref name="tick"/> now and every <paramref name="interval"/> until the host has stopped.</summary>
    protected async Task EveryAsync(TimeSpan interval, Action tick, CancellationToken end)
    {
        using CancellationTokenSource stopped = CancellationTokenSource.CreateLinkedTokenSource(end, Lifetime.ApplicationStopped);
        using var timer = new PeriodicTimer(interval, Time);
        try
        {
            do
            {
                tick();
            }
            while (await timer.WaitForNextTickAsync(stopped.Token));
        }
        catch (OperationCanceledException)
        {
            // The host has stopped.
        }
    }
}
