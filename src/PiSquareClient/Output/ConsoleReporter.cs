using System.Globalization;
using IotSquares.Client.Exchange;
using IotSquares.Protocol;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Client.Output;

/// <summary>Shows the exchange in the terminal: connection, greeting, progress, errors, and the summary.</summary>
public sealed class ConsoleReporter : IExchangeObserver
{
    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly ProgressStyle _style;
    private readonly long _total;
    private readonly long _step;

    // Events count squares per connection; the progress line counts the whole run, across reconnects.
    private long _verified;

    /// <summary>Creates the reporter.</summary>
    /// <param name="output">Where progress and the summary go (standard output).</param>
    /// <param name="error">Where failures go (standard error).</param>
    /// <param name="style">How much to print.</param>
    /// <param name="total">How many squares the run asks for.</param>
    public ConsoleReporter(TextWriter output, TextWriter error, ProgressStyle style, long total)
    {
        _out = output;
        _error = error;
        _total = total;
        _style = style == ProgressStyle.Auto && total <= 100 ? ProgressStyle.Each : style;
        _step = Math.Max(1, total / 10);
    }

    /// <inheritdoc />
    public void ConnectionOpened(ConnectionInfo connection) => _out.WriteLine($"Connected to {connection.RemoteEndPoint}");

    /// <inheritdoc />
    public void ServerGreeted(ConnectionInfo connection, string greeting) => _out.WriteLine($"Server: {greeting}");

    /// <inheritdoc />
    public void Reconnecting(string reason, TimeSpan delay, int attempt, int maxAttempts, long unanswered) =>
        _error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {reason}; reconnecting in {delay.TotalSeconds:0.0#} s (attempt {attempt} of {maxAttempts}), {unanswered:N0} requests to resend or send"));

    /// <inheritdoc />
    public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version) =>
        _out.WriteLine(dialect == Dialect.Framed ? $"Speaking the framed dialect, version {version}" : "Speaking the textbook dialect");

    /// <inheritdoc />
    public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
    {
        long verified = ++_verified;
        if (_style == ProgressStyle.Each)
        {
            _out.WriteLine($"  {value} -> {square}");
        }
        else if (_style == ProgressStyle.Auto && (verified % _step == 0 || verified == _total))
        {
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {verified:N0} of {_total:N0} squares verified"));
        }
    }

    /// <inheritdoc />
    public void RequestRejected(ConnectionInfo connection, ProtocolError error) => _error.WriteLine($"  server: {error}");

    /// <inheritdoc />
    public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) =>
        _out.WriteLine(initiator == GoodbyeInitiator.Client ? $"Goodbye: the server counted {count} squares" : $"The server said goodbye after {count} squares");

    /// <summary>Prints how the run ended.</summary>
    public void Summary(ExchangeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Message is not null)
        {
            _error.WriteLine(result.Succeeded ? $"PiSquareClient: warning: {result.Message}" : $"PiSquareClient: {result.Message}");
        }

        string verdict = result.Succeeded ? "OK" : $"FAILED (exit code {result.ExitCode})";
        _out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Summary: {verdict}: {result.Verified:N0} of {result.Requested:N0} squares verified, {result.Errors} errors, {result.Reconnects} reconnects, {result.Elapsed.TotalMilliseconds:0.0} ms, {result.Rate:N0} squares/s"));
    }
}
