using System.Diagnostics;
using IotSquares.CommandLine;
using IotSquares.Protocol;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Textbook;
using IotSquares.Transport;

namespace IotSquares.Client.Exchange;

/// <summary>
/// Runs one whole exchange: connect, greet in the chosen dialect, send every integer, verify every
/// square, say goodbye. When the connection is lost, the server restarts or goes silent, it
/// reconnects with backoff, greets again and resends exactly the requests not yet answered, so the
/// result holds every square once, in order. Never throws for anything the network or the server
/// does: the result says how it ended, with the exit code to return.
/// </summary>
public sealed class SquaresClient
{
    private readonly ClientOptions _options;
    private readonly ExchangeObservers _observer;
    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly SocketSpinning _spinning;

    /// <summary>Creates the client.</summary>
    /// <param name="options">What to do.</param>
    /// <param name="observers">
    /// Told of each event of the run (console output, LEDs, display), through the same fault-isolating
    /// fan-out as the server's: an observer that throws never ends the exchange.
    /// </param>
    /// <param name="onFault">Told when an observer throws (once at first, then its total at the end); null ignores it.</param>
    /// <param name="random">The source of backoff jitter; null for a new one.</param>
    /// <param name="time">The clock the waits between reconnects run on; null for the system's.</param>
    public SquaresClient(
        ClientOptions options, IEnumerable<IExchangeObserver> observers, ObserverFaultHandler? onFault = null, Random? random = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(observers);
        _options = options;
        _observer = new ExchangeObservers(observers, onFault ?? (static (_, _, _) => { }));
        _random = random ?? new Random();
        _time = time ?? TimeProvider.System;
        _spinning = new SocketSpinning(options.Spin, maxSpinners: 1);
    }

    /// <summary>Runs the exchange.</summary>
    public async Task<ExchangeResult> RunAsync(CancellationToken cancellationToken)
    {
        var requests = new RequestSequence(_options.Start, _options.Count);
        var tally = new ExchangeTally();
        var clock = Stopwatch.StartNew();
        (int exitCode, string? message) = await RunConnectionsAsync(requests, tally, cancellationToken);
        clock.Stop();
        if (exitCode == ClientExitCodes.Success && tally.Errors > 0)
        {
            exitCode = ClientExitCodes.Refused;
            message = $"the server refused {CountText.Format(tally.Errors)} of {CountText.Of(requests.Count, "request", "requests")}";
        }

        var result = new ExchangeResult(
            exitCode, tally.Dialect, tally.Greeting, requests.Count, tally.Verified, tally.Errors, clock.Elapsed, tally.ServerCount, message ?? tally.Warning)
        {
            Reconnects = Math.Max(0, tally.Connections - 1),
            Attempts = tally.Attempts,
            Connections = tally.Connections,
        };
        _observer.Finished(result.Succeeded, Summarize(result));
        return result;
    }

    private static string Summarize(ExchangeResult result) =>
        $"{CountText.Format(result.Verified)} of {CountText.Format(result.Requested)} squares verified, {CountText.Of(result.Errors, "error", "errors")}, " +
        (result.Connections == 0 ? $"never connected ({CountText.Of(result.Attempts, "attempt", "attempts")})" : CountText.Of(result.Reconnects, "reconnect", "reconnects")) +
        (result.Message is null ? string.Empty : ": " + result.Message);

    // Connects until the run is done or retrying is pointless; returns the exit code and what went wrong.
    private async Task<(int ExitCode, string? Message)> RunConnectionsAsync(RequestSequence requests, ExchangeTally tally, CancellationToken cancellationToken)
    {
        string remote = _options.Host.Contains(':', StringComparison.Ordinal) && !_options.Host.StartsWith('[')
            ? $"[{_options.Host}]:{_options.Port}"
            : $"{_options.Host}:{_options.Port}";
        int failuresInARow = 0;
        while (true)
        {
            long answeredBefore = tally.Answered;
            try
            {
                _observer.Connecting(remote, failuresInARow + 1);
                await RunConnectionAsync(requests, tally, cancellationToken);
                return (ClientExitCodes.Success, null);
            }
            catch (ExchangeFailedException ex) when (ex.Retryable && !cancellationToken.IsCancellationRequested)
            {
                failuresInARow = tally.Answered > answeredBefore ? 1 : failuresInARow + 1;
                if (failuresInARow > _options.Retry.MaxRetries)
                {
                    return (ex.ExitCode, GiveUpMessage(ex.Message, tally));
                }

                TimeSpan delay = _options.Retry.DelayFor(failuresInARow, _random);

                // The wait starts before it is announced, so that whoever hears "reconnecting in 2 s" (or moves
                // a test's clock on hearing it) sees the reconnect exactly that long after.
                Task wait = Task.Delay(delay, _time, cancellationToken);
                _observer.Reconnecting(ex.Message, delay, failuresInARow, _options.Retry.MaxRetries, requests.Count - tally.Answered);
                try
                {
                    await wait;
                }
                catch (OperationCanceledException)
                {
                    return (ClientExitCodes.Cancelled, "interrupted");
                }
            }
            catch (ExchangeFailedException ex)
            {
                return (ex.ExitCode, ex.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return (ClientExitCodes.Cancelled, "interrupted");
            }
        }
    }

    // One connection: from the first unanswered request to the end, or until it fails. Every
    // ConnectionOpened gets its ConnectionClosed, with the squares verified on this connection.
    private async Task RunConnectionAsync(RequestSequence requests, ExchangeTally tally, CancellationToken cancellationToken)
    {
        ConnectionInfo? info = null;
        ReplyVerifier? verifier = null;
        CloseReason reason = CloseReason.ConnectionLost;
        try
        {
            tally.Attempts++;
            await using ClientConnection connection = await ClientConnection.ConnectAsync(
                _options.Host, _options.Port, _options.ConnectTimeout, _options.ReceiveTimeout, _spinning, _time, cancellationToken);
            tally.Connections++;
            ConnectionInfo opened = info = new ConnectionInfo(ConnectionIds.Next(), connection.RemoteEndPoint);
            _observer.ConnectionOpened(opened);

            var framed = new FramedExchange(connection, new FramedCodec(_options.Limits));
            var textbook = new TextbookExchange(connection, _options.Limits);
            verifier = new ReplyVerifier(requests, opened, _observer, tally, _options.ReportEachSquare);
            int version = await HandshakeAsync(framed, textbook, tally, error => _observer.RequestRejected(opened, error), cancellationToken);
            _observer.ServerGreeted(opened, tally.Greeting ?? string.Empty);
            _observer.HandshakeCompleted(opened, tally.Dialect, version);

            if (tally.Dialect == Dialect.Framed)
            {
                await framed.ExchangeAsync(requests, tally.Answered, _options.Pipeline, verifier, cancellationToken);
                await SayGoodbyeAsync(framed, opened, verifier, tally, cancellationToken);
                reason = CloseReason.ClientGoodbye;
            }
            else
            {
                await textbook.ExchangeAsync(requests, tally.Answered, verifier, cancellationToken);
                reason = CloseReason.Completed;
            }
        }
        catch (ExchangeFailedException ex)
        {
            reason = ex.CloseReason ?? ReasonFor(ex.ExitCode);
            throw;
        }
        finally
        {
            if (info is not null)
            {
                verifier?.ReportVerified(); // Squares verified before a failure still come before the close.
                _observer.ConnectionClosed(info, reason, verifier?.VerifiedHere ?? 0);
            }
        }
    }

    // Says what was tried: a client that never got a connection did not "reconnect".
    private string GiveUpMessage(string reason, ExchangeTally tally) =>
        _options.Retry.MaxRetries == 0 ? reason
        : tally.Connections == 0 ? $"{reason} (gave up after {CountText.Of(tally.Attempts, "attempt", "attempts")})"
        : $"{reason} (gave up after {CountText.Of(_options.Retry.MaxRetries, "reconnect", "reconnects")} without progress)";

    private static CloseReason ReasonFor(int exitCode) => exitCode switch
    {
        ClientExitCodes.Timeout => CloseReason.TimedOut,
        ClientExitCodes.ProtocolError or ClientExitCodes.WrongSquare or ClientExitCodes.Refused => CloseReason.ProtocolError,
        _ => CloseReason.ConnectionLost,
    };

    // Every square is verified by now; the goodbye only confirms the server's count for this connection.
    private async Task SayGoodbyeAsync(FramedExchange framed, ConnectionInfo info, ReplyVerifier verifier, ExchangeTally tally, CancellationToken cancellationToken)
    {
        long counted;
        try
        {
            counted = await framed.SayGoodbyeAsync(cancellationToken);
        }
        catch (ExchangeFailedException ex) when (ex.Retryable)
        {
            // Nothing is left to resend, so a new connection would gain nothing: report, do not fail.
            tally.Warning = $"every square was verified, but the goodbye went unconfirmed: {ex.Message}";
            return;
        }

        tally.ServerCount = counted;
        verifier.ReportVerified();
        _observer.GoodbyeSaid(info, GoodbyeInitiator.Client, counted);
        if (counted != verifier.VerifiedHere)
        {
            throw new ExchangeFailedException(
                ClientExitCodes.ProtocolError, $"the server counted {CountText.Of(counted, "square", "squares")} on this connection, the client verified {CountText.Format(verifier.VerifiedHere)}");
        }
    }

    // Greets in the chosen dialect and reads the answer; the answer's first bytes say which dialect the server speaks.
    private async Task<int> HandshakeAsync(
        FramedExchange framed, TextbookExchange textbook, ExchangeTally tally, Action<ProtocolError> refused, CancellationToken cancellationToken)
    {
        if (_options.Dialect == DialectChoice.Textbook)
        {
            await textbook.SendGreetingAsync(cancellationToken);
        }
        else
        {
            await framed.SendHelloAsync(cancellationToken);
        }

        ServerGreetingKind kind = await textbook.ReadGreetingKindAsync(cancellationToken);
        if (kind == ServerGreetingKind.Textbook)
        {
            if (_options.Dialect == DialectChoice.Framed)
            {
                throw new ExchangeFailedException(
                    ClientExitCodes.ProtocolError,
                    "the server answered like the textbook's server: it speaks only the textbook dialect (use --dialect textbook or --dialect auto)");
            }

            tally.Dialect = Dialect.Textbook;
            tally.Greeting = TextbookSyntax.ServerGreetingText;
            return 0;
        }

        (string line, int version) = await framed.ReadWelcomeAsync(refused, cancellationToken);
        if (_options.Dialect == DialectChoice.Textbook)
        {
            throw new ExchangeFailedException(ClientExitCodes.ProtocolError, $"the server answered the textbook greeting in the framed dialect: '{line}'");
        }

        tally.Dialect = Dialect.Framed;
        tally.Greeting = line;
        return version;
    }
}
