using IotSquares.Protocol.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace IotSquares.Server.Systemd;

/// <summary>Wires the server to a service manager (systemd), from what the environment says.</summary>
public static class ServiceManagerRegistration
{
    /// <summary>
    /// Adds the sd_notify notifier (a no-op without <c>NOTIFY_SOCKET</c>) and the READY/STOPPING/STATUS
    /// notifications. With the console going to the journal, log lines carry journald priorities
    /// (<c>&lt;6&gt;</c>) instead of our own timestamps, and the host's start-up banner is left out.
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
            // Counting every square costs an interlocked add per square: only when somebody reads the count.
            builder.Services.AddSingleton<IExchangeObserver>(provider => provider.GetRequiredService<SquareTally>());
        }

        builder.Services.AddHostedService<ServiceStatusNotifications>();

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM")))
        {
            builder.Logging.AddSystemdConsole();
            builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        }

        return builder;
    }
}
