using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace IotSquares.Server.Logging;

/// <summary>Sets up the server's console log: short lines, journald priorities when the console is the journal.</summary>
public static class ServerLogging
{
    /// <summary>
    /// Replaces the host's console formatting with <see cref="ServerConsoleFormatter"/>. In the journal the
    /// host's start-up banner ("Application started. Press Ctrl+C…") is left out: nobody can press Ctrl+C there.
    /// </summary>
    public static HostApplicationBuilder AddServerConsoleLogging(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        bool journal = JournalDetection.StandardOutputIsJournal(Environment.GetEnvironmentVariable(JournalDetection.Variable));
        builder.Logging.AddConsole(console => console.FormatterName = ServerConsoleFormatter.FormatterName);
        // Registered by hand: AddConsoleFormatter<,> also binds the options from configuration by reflection,
        // which is neither trim- nor AOT-safe, and nothing here needs configuring from appsettings.json.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, ServerConsoleFormatter>());
        builder.Services.Configure<ServerConsoleFormatterOptions>(options => options.Journal = journal);
        if (journal)
        {
            builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        }

        return builder;
    }
}
