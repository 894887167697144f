using System.Diagnostics;
using IotSquares.Protocol;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Textbook;

namespace IotSquares.Client.Exchange;

/// <summary>
/// Runs one whole exchange: connect, greet in the chosen dialect, send every integer, verify every
/// square, say goodbye. Never throws for anything the network or the server does: the result says
/// how it ended, with the exit code to return.
/// </summary>
public sealed class SquaresClient
{
    private readonly ClientOptions _options;
    private readonly IExchangeObserver _observer;
    private readonly Action<string> _greetingReceived;

    /// <summary>Creates the client.</summary>
    /// <param name="options">What to do.</param>
    /// <param name="observer">Told of each event of the exchange (progress output, LEDs, display).</param>
    /// <param name="greetingReceived">Told the server's greeting as it arrived.</param>
    public SquaresClient(ClientOptions options, IExchangeObserver observer, Action<string>? greetingReceived = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(observer);
        _options = options;
        _observer = observer;
        _greetingReceived = greetingReceived ?? (static _ => { });
    }

    /// <summary>Runs the exchange.</summary>
    public async Task<ExchangeResult> RunAsync(CancellationToken cancellationToken)
    {
        var requests = new RequestSequence(_options.Start, _options.Count);
        var progress = new ExchangeProgress();
        var clock = new Stopwatch();
        ConnectionInfo? connectionInfo = null;
        int exitCode = ClientExitCodes.Success;
        string? message = null;
        try
        {
            await using ClientConnection connection = await ClientConnection.ConnectAsync(
                _options.Host, _options.Port, _options.ConnectTimeout, _options.ReceiveTimeout, cancellationToken);
            connectionInfo = new ConnectionInfo(1, connection.RemoteEndPoint);
            _observer.ConnectionOpened(connectionInfo);
            clock.Start();

            var framed = new FramedExchange(connection, new FramedCodec(_options.Limits));
            var textbook = new TextbookExchange(connection, _options.Limits);
            var verifier = new ReplyVerifier(requests, connectionInfo, _observer, progress);
            int version = await HandshakeAsync(framed, textbook, progress, cancellationToken);
            _greetingReceived(progress.Greeting ?? string.Empty);
            _observer.HandshakeCompleted(connectionInfo, progress.Dialect, version);

            if (progress.Dialect == Dialect.Framed)
            {
                await framed.ExchangeAsync(requests, _options.Pipeline, verifier, cancellationToken);
                long counted = await framed.SayGoodbyeAsync(cancellationToken);
                progress.ServerCount = counted;
                _observer.GoodbyeSaid(connectionInfo, GoodbyeInitiator.Client, counted);
                if (counted != progress.Verified)
                {
                    throw new ExchangeFailedException(ClientExitCodes.ProtocolError, $"the server counted {counted} squares, the client verified {progress.Verified}");
                }
            }
            else
            {
                await textbook.ExchangeAsync(requests, verifier, cancellationToken);
            }

            clock.Stop();
            if (progress.Errors > 0)
            {
                exitCode = ClientExitCodes.Refused;
                message = $"the server refused {progress.Errors} of {requests.Count} requests";
            }

            _observer.ConnectionClosed(connectionInfo, progress.Dialect == Dialect.Framed ? CloseReason.ClientGoodbye : CloseReason.Completed, progress.Verified);
        }
        catch (ExchangeFailedException ex)
        {
            exitCode = ex.ExitCode;
            message = ex.Message;
            Closed(connectionInfo, ex.ExitCode == ClientExitCodes.Timeout ? CloseReason.TimedOut : CloseReason.ConnectionLost, progress);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            exitCode = ClientExitCodes.Cancelled;
            message = "interrupted";
            Closed(connectionInfo, CloseReason.ConnectionLost, progress);
        }

        return new ExchangeResult(exitCode, progress.Dialect, progress.Greeting, requests.Count, progress.Verified, progress.Errors, clock.Elapsed, progress.ServerCount, message);
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

    private void Closed(ConnectionInfo? connection, CloseReason reason, ExchangeProgress progress)
    {
        if (connection is not null)
        {
            _observer.ConnectionClosed(connection, reason, progress.Verified);
        }
    }
}
