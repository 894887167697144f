using Microsoft.Extensions.Logging;

namespace IotSquares.Indicators.Rendering;

/// <summary>
/// A logger for a program without a logging host (the client): warnings and worse as one line each on
/// <paramref name="writer"/>, prefixed with the program's name; everything quieter is dropped.
/// </summary>
public sealed class TextWriterLogger(TextWriter writer, string program) : ILogger
{
    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            writer.WriteLine($"{program}: {(logLevel == LogLevel.Warning ? "warning" : "error")}: {formatter(state, exception)}");
        }
    }
}
