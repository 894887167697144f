using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace IotSquares.Server.Logging;

/// <summary>
/// The server's log line. On a terminal or in a file: <c>12:00:01.123 info: server[101] Listening on …</c>.
/// In the journal: <c>&lt;6&gt;server[101] Listening on …</c>, so that <c>journalctl -p warning</c> filters
/// by level and journald's own timestamp is the only one. The category is short (see <see cref="LogCategories"/>)
/// and the event id stays, for grep.
/// </summary>
public sealed class ServerConsoleFormatter : ConsoleFormatter, IDisposable
{
    /// <summary>The name to select this formatter with (<c>Logging:Console:FormatterName</c>).</summary>
    public const string FormatterName = "pisquare";

    private readonly IDisposable? _reload;
    private ServerConsoleFormatterOptions _options;

    /// <summary>Creates the formatter; it follows changes to its options.</summary>
    public ServerConsoleFormatter(IOptionsMonitor<ServerConsoleFormatterOptions> options)
        : base(FormatterName)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.CurrentValue;
        _reload = options.OnChange(changed => _options = changed);
    }

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        string message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        ServerConsoleFormatterOptions options = _options;
        if (options.Journal)
        {
            textWriter.Write('<');
            textWriter.Write(SyslogPriority(logEntry.LogLevel));
            textWriter.Write('>');
        }
        else
        {
            DateTimeOffset now = options.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            textWriter.Write(now.ToString(options.TimestampFormat ?? "HH:mm:ss.fff ", System.Globalization.CultureInfo.InvariantCulture));
            textWriter.Write(LevelWord(logEntry.LogLevel));
            textWriter.Write(": ");
        }

        textWriter.Write(LogCategories.Shorten(logEntry.Category));
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id);
        textWriter.Write("] ");

        // journald makes one entry per line: a line break inside a message would lose its priority.
        textWriter.Write(options.Journal ? message.ReplaceLineEndings(" ") : message);
        if (logEntry.Exception is { } exception)
        {
            textWriter.Write(options.Journal ? " " : Environment.NewLine);
            textWriter.Write(options.Journal ? exception.ToString().ReplaceLineEndings(" ") : exception.ToString());
        }

        textWriter.Write(Environment.NewLine);
    }

    /// <inheritdoc />
    public void Dispose() => _reload?.Dispose();

    // sd-daemon(3) / syslog(3) priorities, as journald reads them from a "<N>" prefix.
    private static char SyslogPriority(LogLevel level) => level switch
    {
        LogLevel.Critical => '2',
        LogLevel.Error => '3',
        LogLevel.Warning => '4',
        LogLevel.Information => '6',
        _ => '7',
    };

    // The same four letters as the built-in simple console, so existing readers of the log keep working.
    private static string LevelWord(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
