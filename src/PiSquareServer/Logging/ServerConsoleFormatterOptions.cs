using Microsoft.Extensions.Logging.Console;

namespace IotSquares.Server.Logging;

/// <summary>Options of <see cref="ServerConsoleFormatter"/>.</summary>
public sealed class ServerConsoleFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>
    /// The console is the systemd journal: each line starts with its syslog priority (<c>&lt;6&gt;</c>)
    /// and carries no timestamp (journald adds its own); an exception stays on the same line.
    /// </summary>
    public bool Journal { get; set; }
}
