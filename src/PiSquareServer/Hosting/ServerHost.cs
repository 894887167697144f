using IotSquares.Protocol.Events;
using IotSquares.Server.Connections;
using IotSquares.Server.Diagnostics;
using IotSquares.Server.Listening;
using IotSquares.Server.Logging;
using IotSquares.Server.Options;
using IotSquares.Server.Systemd;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IotSquares.Server.Hosting;

/// <summary>Builds the server's Generic Host: configuration, logging, services.</summary>
public static class ServerHost
{
    /// <summary>The prefix of environment variables read as configuration, e.g. <c>PISQUARE_Server__Port</c>.</summary>
    public const string EnvironmentPrefix = "PISQUARE_";

    /// <summary>
    /// The environment variable naming one more JSON settings file, read after appsettings.json beside the
    /// binary and before the <c>PISQUARE_</c> variables (the systemd unit points it at /etc/pisquare/appsettings.json).
    /// </summary>
    public const string ConfigFileVariable = "PISQUARE_CONFIG_FILE";

    /// <summary>
    /// Creates a builder. Configuration sources, later ones winning: appsettings.json beside the
    /// binary, the file named by <c>PISQUARE_CONFIG_FILE</c>, <c>PISQUARE_</c> environment variables,
    /// then <paramref name="overrides"/> (the command line).
    /// Callers may add services (tests add observers) before building.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],

            // A service's working directory is not its install directory: look for appsettings.json beside the binary.
            ContentRootPath = AppContext.BaseDirectory,
        });
        // A service keeps its settings in /etc (the unit sets PISQUARE_CONFIG_FILE=/etc/pisquare/appsettings.json),
        // not beside a binary that an upgrade replaces. Named explicitly, it must exist: a typo is an error (exit 78).
        string? configFile = Environment.GetEnvironmentVariable(ConfigFileVariable);
        if (!string.IsNullOrEmpty(configFile))
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddInMemoryCollection(overrides);

        // Short lines; journald priorities and no timestamps of our own when the console is the journal.
        builder.AddServerConsoleLogging();

        // With NOTIFY_SOCKET (systemd or anyone else): READY=1 once bound, STOPPING=1, STATUS=, WATCHDOG=1.
        builder.AddServiceManagerIntegration();

        // Read by hand rather than bound: durations take the same syntax as on the command line (5s, 2m).
        builder.Services.AddOptions<ServerOptions>()
            .Configure(options => ServerOptionsReader.Read(builder.Configuration.GetSection(ServerOptions.SectionName), options))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();

        // The host cancels a slow stop after its own timeout (30 s by default); give our graceful
        // shutdown its full configured time, plus room for the lingering closes that follow it.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ServerOptions>>((host, server) =>
            host.ShutdownTimeout = server.Value.ShutdownTimeout + TimeSpan.FromSeconds(5));
        // Every timeout runs on this clock; tests replace it with a fake one to move time by hand.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServerEndpoints>();
        builder.Services.AddSingleton<ServerListeners>();
        builder.Services.AddSingleton<IExchangeObserver, LoggingExchangeObserver>();
        builder.Services.AddSingleton<ConnectionTracker>();
        builder.AddIndicators();
        builder.Services.AddHostedService<SquareServerService>();
        builder.AddDiagnostics();
        return builder;
    }
}
