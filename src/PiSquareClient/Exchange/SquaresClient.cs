using System.Diagnostics;
using IotSquares.Protocol;
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
    private readonly IExchangeObserver _observer;
    private readonly IClientProgress _progress;
    private readonly Random _random;
    private readonly SocketSpinning _spinning;

    /// <summary>Creates the client.</summary>
    /// <param name="options">What to do.</param>
    /// <param name="observer">Told of each event of the exchange (progress output, LEDs, display).</param>
    /// <param name="progress">Told the greeting and each reconnect; null for nobody.</param>
    /// <param name="random">The source of backoff jitter; null for a new one.</param>
    public SquaresClient(ClientOptions options, IExchangeObserver observer, IClientProgress? progress = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(observer);
        _options = options;
        _observer = observer;
        _progress = progress ?? new SilentProgress();
        _random = random ?? new Random();
        _spinning = new SocketSpinning(options.Spin, maxSpinners: 1);
    }

    /// <summary>Runs the exchange.</summary>
    public async Task<ExchangeResult> RunAsync(CancellationToken cancellationToken)
    {
        var requests = new RequestSequence(_options.Start, _options.Count);
        var progress = new ExchangeProgress();
        var clock = Stopwatch.StartNew();
        int exitCode = ClientExitCodes.Success;
        string? message = null;
        int failuresInARow = 0;
        long connectionId = 0;
        while (true)
        {
            long answeredBefore = progress.Answered;
            try
            {
                await RunConnectionAsync(++connectionId, requests, progress, cancellationToken);
                break;
            }
            catch (ExchangeFailedException ex) when (ex.Retryable && !cancellationToken.IsCancellationRequested)
            {
                failuresInARow = progress.Answered > answeredBefore ? 1 : failuresInARow + 1;
                if (failuresInARow > _options.Retry.MaxRetries)
                {
                    exitCode = ex.ExitCode;
                    message = _options.Retry.MaxRetries == 0 ? ex.Message : $"{ex.Message} (gave up after {_options.Retry.MaxRetries} reconnects without progress)";
                    break;
                }

                TimeSpan delay = _options.Retry.DelayFor(failuresInARow, _random);
                _progress.Reconnecting(failuresInARow, _options.Retry.MaxRetries, delay, ex.Message, requests.Count - progress.Answered);
                progress.Reconnects++;
                try
                {
                    await Task.Delay(delay, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    exitCode = ClientExitCodes.Cancelled;
                    message = "interrupted";
                    break;
                }
            }
            catch (ExchangeFailedException ex)
            {
                exitCode = ex.ExitCode;
                message = ex.Message;
                break;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                exitCode = ClientExitCodes.Cancelled;
                message = "interrupted";
                break;
            }
        }

        clock.Stop();
        if (exitCode == ClientExitCodes.Success && progress.Errors > 0)
        {
            exitCode = ClientExitCodes.Refused;
            message = $"the server refused {progress.Errors} of {requests.Count} requests";
        }

        return new ExchangeResult(
            exitCode, progress.Dialect, progress.Greeting, requests.Count, progress.Verified, progress.Errors, clock.Elapsed, progress.ServerCount, message ?? progress.Warning)
        {
            Reconnects = progress.Reconnects,
        };
    }

    // One connection: from the first unanswered request to the end, or until it fails.
    private async Task RunConnectionAsync(long id, RequestSequence requests, ExchangeProgress progress, CancellationToken cancellationToken)
    {
        ConnectionInfo? info = null;
        CloseReason reason = CloseReason.ConnectionLost;
        try
        {
            await using ClientConnection connection = await ClientConnection.ConnectAsync(
                _options.Host, _options.Port, _options.ConnectTimeout, _options.ReceiveTimeout, _spinning, cancellationToken);
            info = new ConnectionInfo(id, connection.RemoteEndPoint);
            _observer.ConnectionOpened(info);

            var framed = new FramedExchange(connection, new FramedCodec(_options.Limits));
            var textbook = new TextbookExchange(connection, _options.Limits);
            var verifier = new ReplyVerifier(requests, info, _observer, progress);
            int version = await HandshakeAsync(framed, textbook, progress, cancellationToken);
            _progress.Greeting(progress.Greeting ?? string.Empty);
            _observer.HandshakeCompleted(info, progress.Dialect, version);

            if (progress.Dialect == Dialect.Framed)
            {
                await framed.ExchangeAsync(requests, progress.Answered, _options.Pipeline, verifier, cancellationToken);
                await SayGoodbyeAsync(framed, info, verifier, progress, cancellationToken);
                reason = CloseReason.ClientGoodbye;
            }
            else
            {
                await textbook.ExchangeAsync(requests, progress.Answered, verifier, cancellationToken);
                reason = CloseReason.Completed;
            }
        }
        catch (ExchangeFailedException ex)
        {
            reason = ex.ExitCode == ClientExitCodes.Timeout ? CloseReason.TimedOut : CloseReason.ConnectionLost;
            throw;
        }
        finally
        {
            if (info is not null)
            {
                _observer.ConnectionClosed(info, reason, progress.Verified);
            }
        }
    }

    // Every square is verified by now; the goodbye only confirms the server's count for this connection.
    private async Task SayGoodbyeAsync(FramedExchange framed, ConnectionInfo info, ReplyVerifier verifier, ExchangeProgress progress, CancellationToken cancellationToken)
    {
        long counted;
        try
        {
            counted = await framed.SayGoodbyeAsync(cancellationToken);
        }
        catch (ExchangeFailedException ex) when (ex.Retryable)
        {
            // Nothing is left to resend, so a new connection would gain nothing: report, do not fail.
            progress.Warning = $"every square was verified, but the goodbye went unconfirmed: {ex.Message}";
            return;
        }

        progress.ServerCount = counted;
        _observer.GoodbyeSaid(info, GoodbyeInitiator.Client, counted);
        if (counted != verifier.VerifiedHere)
        {
            throw new ExchangeFailedException(
                ClientExitCodes.ProtocolError, $"the server counted {counted} squares on this connection, the client verified {verifier.VerifiedHere}");
        }
    }

    // Greets in the chosen dialect and reads the answer; the answer's first bytes say which dialect the server speaks.
    private async Task<int> HandshakeAsync(FramedExchange framed, TextbookExchange textbook, ExchangeProgress progress, CancellationToken cancellationToken)
    {
        if (_options.Dialect == ClientDialect.Textbook)
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
            if (_options.Dialect == ClientDialect.Framed)
            {
                throw new ExchangeFailedException(
                    ClientExitCodes.ProtocolError,
                    "the server answered like the textbook's server: it speaks only the textbook dialect (use --dialect textbook or --dialect auto)");
            }

            progress.Dialect = Dialect.Textbook;
            progress.Greeting = System.Text.Encoding.ASCII.GetString(TextbookSyntax.ServerGreeting);
            return 0;
        }

        (string line, int version) = await framed.ReadWelcomeAsync(cancellationToken);
        if (_options.Dialect == ClientDialect.Textbook)
        {
            throw new ExchangeFailedException(ClientExitCodes.ProtocolError, $"the server answered the textbook greeting in the framed dialect: '{line}'");
        }

        progress.Dialect = Dialect.Framed;
        progress.Greeting = line;
        return version;
    }

    private sealed class SilentProgress : IClientProgress;
}
