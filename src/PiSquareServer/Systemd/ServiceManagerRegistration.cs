using IotSquares.Protocol.Events;
using IotSquares.Server.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IotSquares.Server.Systemd;

/// <summary>Wires the server to a service manager (systemd), from what the environment says.</summary>
public static class ServiceManagerRegistration
{
    /// <summary>
    /// Adds the sd_notify notifier (a no-op without <c>NOTIFY_SOCKET</c>), the READY/STOPPING/STATUS
    /// notifications and, with <c>WATCHDOG_USEC</c>, the watchdog keep-alives and the loops' heartbeats.
    /// </summary>
    public static HostApplicationBuilder AddServiceManagerIntegration(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string? notifySocket = Environment.GetEnvironmentVariable(NotifySocketNotifier.Variable);
        builder.Services.AddSingleton(provider => NotifySocketNotifier.Create(
            notifySocket, provider.GetRequiredService<ILogger<NotifySocketNotifier>>()));
        builder.Services.AddSingleton<SquareTally>();
        if (!string.IsNullOrEmpty(notifySocket))
        {
            // Counting the squares costs a lookup and an interlocked add per batch: only when somebody reads the count.
            builder.Services.AddSingleton<IExchangeObserver>(provider => provider.GetRequiredService<SquareTally>());
        }

        builder.Services.AddHostedService<ServiceStatusNotifications>();

        // The watchdog needs somebody to send keep-alives to; without one, loops keep no heartbeat at all.
        WatchdogSettings? watchdog = string.IsNullOrEmpty(notifySocket)
            ? null
            : WatchdogSettings.FromEnvironment(Environment.GetEnvironmentVariable, Environment.ProcessId);
        builder.Services.AddSingleton(provider => new Heartbeats(enabled: watchdog is not null, provider.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(provider => new WatchdogKeepAlive(
            provider.GetRequiredService<IServiceNotifier>(),
            watchdog,
            provider.GetRequiredService<Heartbeats>(),
            provider.GetRequiredService<Listening.ServerEndpoints>(),
            provider.GetRequiredService<IHostApplicationLifetime>(),
            provider.GetRequiredService<ILogger<WatchdogKeepAlive>>()));
        builder.Services.AddHostedService(provider => provider.GetRequiredService<WatchdogKeepAlive>());

        return builder;
    }
}
