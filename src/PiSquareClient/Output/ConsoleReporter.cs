using IotSquares.Client.Exchange;
using IotSquares.CommandLine;
using IotSquares.Protocol;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Client.Output;

/// <summary>
/// Shows the exchange in the terminal: connection, greeting, progress, errors, and the summary.
/// Numbers are grouped (<c>100,000</c>) and durations in human units (<c>1.2 s</c>, <c>10 min 36 s</c>)
/// everywhere.
/// </summary>
public sealed class ConsoleReporter : IExchangeObserver, IDisposable
{
    /// <summary>How often a live progress line on a terminal is redrawn.</summary>
    public static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a progress line is printed when the output is not a terminal.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);

    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly ProgressStyle _style;
    private readonly long _total;
    private readonly object _gate = new();
    private readonly ProgressTicker? _ticker;
    private bool _everConnected;

    // Events count squares per connection; the progress counts the whole run, across reconnects.
    private long _verified;

    // The count of this connection's last SquareServed.
    private long _countHere;

    /// <summary>Creates the reporter.</summary>
    /// <param name="output">Where progress and the summary go (standard output).</param>
    /// <param name="error">Where failures go (standard error).</param>
    /// <param name="style">How much to print.</param>
    /// <param name="total">How many squares the run asks for.</param>
    /// <param name="live">True when <paramref name="output"/> is a terminal: progress is one line redrawn in place.</param>
    /// <param name="time">The clock for progress; null for the system's.</param>
    public ConsoleReporter(TextWriter output, TextWriter error, ProgressStyle style, long total, bool live = false, TimeProvider? time = null)
    {
        _out = output;
        _error = error;
        _total = total;
        _style = style == ProgressStyle.Auto && total <= 100 ? ProgressStyle.Each : style;
        if (_style == ProgressStyle.Auto)
        {
            _ticker = new ProgressTicker(output, _gate, total, live, live ? LiveInterval : LogInterval, time ?? TimeProvider.System);
        }
    }

    /// <summary>True when every square is printed: the client must then report each one (<see cref="ClientOptions.ReportEachSquare"/>).</summary>
    public bool PrintsEachSquare => _style == ProgressStyle.Each;

    /// <inheritdoc />
    public void ConnectionOpened(ConnectionInfo connection)
    {
        _countHere = 0;
        _everConnected = true;
        Line(_out, $"Connected to {connection.RemoteEndPoint}");
    }

    /// <inheritdoc />
    public void ServerGreeted(ConnectionInfo connection, string greeting) => Line(_out, $"Server: {greeting}");

    /// <inheritdoc />
    public void Reconnecting(string reason, TimeSpan delay, int attempt, int maxAttempts, long unanswered)
    {
        string wait = DurationText.Format(delay);
        Line(_error, _everConnected
            ? $"  {reason}; reconnecting in {wait} (retry {attempt} of {maxAttempts}), {CountText.Of(unanswered, "request", "requests")} still to send"
            : $"  {reason}; trying again in {wait} (retry {attempt} of {maxAttempts})");
    }

    /// <inheritdoc />
    public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version) =>
        Line(_out, dialect == Dialect.Framed ? $"Speaking the framed dialect, version {version}" : "Speaking the textbook dialect");

    /// <inheritdoc />
    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        if (_style == ProgressStyle.Each)
        {
            Line(_out, $"  {value} -> {square}");
        }
        else
        {
            // One event stands for every square since the last one on this connection (count - the last count).
            _verified += count - _countHere;
            _countHere = count;
            _ticker?.Report(_verified);
        }
    }

    /// <inheritdoc />
    public void RequestRejected(ConnectionInfo connection, ProtocolError error) => Line(_error, $"  server: {error}");

    /// <inheritdoc />
    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) =>
        Line(_out, initiator == GoodbyeInitiator.Client
            ? $"Goodbye: the server counted {CountText.Of(count, "square", "squares")}"
            : $"The server said goodbye after {CountText.Of(count, "square", "squares")}");

    /// <summary>Prints how the run ended.</summary>
    public void Summary(ExchangeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _ticker?.Dispose();
        if (result.Message is not null)
        {
            Line(_error, result.Succeeded ? $"PiSquareClient: warning: {result.Message}" : $"PiSquareClient: {result.Message}");
        }

        string verdict = result.Succeeded ? "OK" : $"FAILED (exit code {result.ExitCode})";
        string connections = result.Connections == 0
            ? $"never connected ({CountText.Of(result.Attempts, "attempt", "attempts")})"
            : CountText.Of(result.Reconnects, "reconnect", "reconnects");
        Line(_out, $"Summary: {verdict}: {CountText.Format(result.Verified)} of {CountText.Format(result.Requested)} squares verified, " +
            $"{CountText.Of(result.Errors, "error", "errors")}, {connections}, {DurationText.Format(result.Elapsed)}, {CountText.Format(result.Rate)} squares/s");
    }

    /// <summary>Stops the progress timer.</summary>
    public void Dispose() => _ticker?.Dispose();

    // Every line goes through here: the live progress line is cleared first, and lines never interleave.
    private void Line(TextWriter writer, string text)
    {
        lock (_gate)
        {
            _ticker?.ClearLine();
            writer.WriteLine(text);
        }
    }
}
