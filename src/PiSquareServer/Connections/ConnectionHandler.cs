using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using IotSquares.CommandLine;
using IotSquares.Protocol;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Sessions;
using IotSquares.Server.Diagnostics;
using IotSquares.Server.Health;
using IotSquares.Transport;
using Microsoft.Extensions.Logging;

namespace IotSquares.Server.Connections;

/// <summary>
/// Serves one client: reads, recognises the dialect, hands whole messages to the session, flushes its
/// replies once per read (so pipelined requests are answered in batches), and closes cleanly. Every
/// wait has a limit; nothing a client sends can throw out of <see cref="RunAsync"/>.
/// </summary>
internal sealed partial class ConnectionHandler
{
    private readonly ConnectionInfo _connection;
    private readonly IConnectionTransport _transport;
    private readonly ConnectionSettings _settings;
    private readonly IExchangeObserver _observer;
    private readonly ILogger _logger;
    private readonly LoopHeartbeat? _heartbeat;
    private IServerSession? _session;

    // Set when the client stopped taking our replies: the connection is then dropped, not closed politely.
    private bool _stalled;

    public ConnectionHandler(
        ConnectionInfo connection, IConnectionTransport transport, ConnectionSettings settings, IExchangeObserver observer, ILogger logger, LoopHeartbeat? heartbeat = null)
    {
        _heartbeat = heartbeat;
        _connection = connection;
        _transport = transport;
        _settings = settings;
        _observer = observer;
        _logger = logger;
    }

    /// <summary>Runs the exchange to its end.</summary>
    /// <param name="shutdown">Signals a graceful stop: answer what has arrived, say goodbye, close.</param>
    /// <param name="abort">Signals that the graceful stop took too long: close now.</param>
    public async Task RunAsync(CancellationToken shutdown, CancellationToken abort)
    {
        _observer.ConnectionOpened(_connection);
        Interlocked.Increment(ref _settings.OpenConnections);
        CloseReason reason = CloseReason.ConnectionLost;
        try
        {
            // A shutdown wakes the pending read instead of cancelling it, so buffered requests are still answered.
            using CancellationTokenRegistration wake = shutdown.Register(static r => ((PipeReader)r!).CancelPendingRead(), _transport.Input);
            reason = await ExchangeAsync(abort);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            LogConnectionLost(_connection.Id, ex.Message);
            reason = CloseReason.ConnectionLost;
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            reason = CloseReason.ServerShutdown;
        }
#pragma warning disable CA1031 // The server outlives any bug a client's bytes may reach: report it, tell the client, close.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUnexpected(ex, _connection.Id);
            reason = CloseReason.ProtocolError;
            await TryWriteInternalErrorAsync();
        }
        finally
        {
            _heartbeat?.Waiting(); // From here on only bounded waits for the close.
            Interlocked.Decrement(ref _settings.OpenConnections);
            if (_stalled || abort.IsCancellationRequested)
            {
                // Replies may be stuck in a full send buffer (a client that stopped reading, or a stop that
                // ran out of time): completing the writer would wait on them, so drop the connection first.
                _transport.Abort();
            }

            await _transport.CloseAsync(_settings.LingerTimeout);
            _session?.ReportServed(); // Squares written but never flushed (a lost connection) still come before the close.
            _observer.ConnectionClosed(_connection, reason, _session?.SquaresServed ?? 0);
        }
    }

    private async Task<CloseReason> ExchangeAsync(CancellationToken abort)
    {
        // The clock measures progress, not traffic: the greeting must be complete within the handshake
        // timeout, and each later request within the idle timeout. It is re-armed only when a reply is
        // written, so a client trickling one byte at a time (slowloris) is cut off all the same.
        using var clock = new CancellationTokenSource(_settings.HandshakeTimeout, _settings.Time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(abort, clock.Token);
        PipeReader reader = _transport.Input;
        long replied = 0;
        while (true)
        {
            if (replied > 0 && _settings.FewEnoughToSpin)
            {
                // Right after a reply, the client's next request is microseconds away: a lockstep client's at
                // once, a pipelining client's as soon as it has read this batch. Catching it by polling skips
                // the event loop's wake-up, which on a quiet machine (an idle core, or a virtual one the
                // hypervisor parked) costs more than the work: one connection at window 64 went from level
                // with a blocking C server to 1.3 times its rate (docs/BENCHMARKS.md). The spin is bounded,
                // and backs off for a client that does not answer within it (a paced one, or one far away).
                _transport.AwaitNextBytesBriefly();
                if (replied > 1)
                {
                    // A pipelining client's next batch may be there already: read it in one system call.
                    _transport.ReadOnWithoutWaiting();
                }
            }

            replied = 0;

            ReadResult result;
            try
            {
                _heartbeat?.Waiting();
                result = await reader.ReadAsync(deadline.Token);
                _heartbeat?.Busy();
                DebugFaults.HangIf("connection");
            }
            catch (OperationCanceledException) when (!abort.IsCancellationRequested)
            {
                await SayAsync(ProtocolError.For(ErrorCode.TimedOut), abort);
                return CloseReason.TimedOut;
            }

            (bool readMore, CloseReason? close) = await InspectAsync(result, abort);
            if (readMore)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                continue;
            }

            if (close is null)
            {
                (close, replied) = await ProcessAsync(result, clock, deadline.Token, abort);
            }

            if (close is CloseReason reason)
            {
                return reason;
            }
        }
    }

    // Decides what to do with a read before the session sees it: recognise the dialect from the first
    // bytes, and let a textbook message (which has no delimiter) gather everything that has arrived.
    // Returns whether to read more first, or the reason to close without processing.
    private async ValueTask<(bool ReadMore, CloseReason? Close)> InspectAsync(ReadResult result, CancellationToken abort)
    {
        ReadOnlySequence<byte> buffer = result.Buffer;
        if (_session is null)
        {
            switch (DialectDetector.Detect(buffer))
            {
                case DetectionResult.Unknown:
                    await SayAsync(ProtocolError.For(ErrorCode.HandshakeRequired), abort);
                    return (false, CloseReason.ProtocolError);
                case DetectionResult.NeedMoreData when result.IsCanceled:
                    return (false, CloseReason.ServerShutdown);
                case DetectionResult.NeedMoreData when result.IsCompleted:
                    return (false, CloseReason.PeerClosed);
                case DetectionResult.NeedMoreData:
                    return (true, null);
                case DetectionResult detected:
                    _session = CreateSession(detected);
                    break;
            }
        }

        // The input pipe hands bytes over in pieces of its buffer size: read on while more are waiting.
        bool gathering = _session.Dialect == Dialect.Textbook && !result.IsCompleted && !result.IsCanceled &&
            buffer.Length <= _settings.Textbook.Limits.MaxLineLength && _transport.HasUnreadBytes;
        return (gathering, null);
    }

    // Hands a read to the session and sends its replies in one flush. Returns the reason to close
    // (null to go on) and how many squares the flush answered (0 when nothing was sent; 1 for a lockstep
    // reply or a handshake; more for a pipelined batch).
    private async ValueTask<(CloseReason? Close, long Replied)> ProcessAsync(
        ReadResult result, CancellationTokenSource clock, CancellationToken deadline, CancellationToken abort)
    {
        PipeReader reader = _transport.Input;
        PipeWriter writer = _transport.Output;
        ReadOnlySequence<byte> buffer = result.Buffer;
        long servedBefore = _session!.SquaresServed;
        SessionStatus status = _session.Process(ref buffer, writer);
        reader.AdvanceTo(buffer.Start, buffer.End);
        if (!status.IsClosing && result.IsCanceled)
        {
            _session.WriteShutdown(writer);
            status = SessionStatus.Close(CloseReason.ServerShutdown);
        }
        else if (!status.IsClosing && result.IsCompleted)
        {
            // The client closed its side; anything left is an unterminated line, which is dropped.
            status = SessionStatus.Close(CloseReason.PeerClosed);
        }

        long replied = 0;
        if (writer.UnflushedBytes > 0)
        {
            // A client that sends but never reads fills the socket buffers and the flush waits:
            // it gets the idle timeout too, or it would hold its slot for ever.
            clock.CancelAfter(_settings.IdleTimeout);
            try
            {
                _heartbeat?.Waiting();
                await writer.FlushAsync(deadline);
                _heartbeat?.Busy();
            }
            catch (OperationCanceledException) when (!abort.IsCancellationRequested)
            {
                _stalled = true;
                LogStalled(_connection.Id, DurationText.Format(_settings.IdleTimeout));
                return (CloseReason.TimedOut, 0);
            }

            // The observers hear of the batch once, now that its replies are on their way (IExchangeObserver.SquareServed).
            _session.ReportServed();

            replied = Math.Max(1, _session.SquaresServed - servedBefore);
        }

        return (status.IsClosing ? status.Reason : null, replied);
    }

    private IServerSession CreateSession(DetectionResult dialect) => dialect == DetectionResult.Textbook
        ? new TextbookServerSession(_settings.Textbook, _connection, _observer)
        : new FramedServerSession(_settings.Framed, _connection, _observer);

    // Says a fatal error in the session's dialect, or as a framed line when no dialect was recognised.
    private async Task SayAsync(ProtocolError error, CancellationToken abort)
    {
        PipeWriter writer = _transport.Output;
        if (_session is null)
        {
            FramedCodec.WriteError(writer, error);
            _observer.RequestRejected(_connection, error);
        }
        else
        {
            _session.WriteFatalError(writer, error);
        }

        // A last word is worth a short wait, not more: the client may have stopped reading.
        using var linger = new CancellationTokenSource(_settings.LingerTimeout, _settings.Time);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(abort, linger.Token);
        try
        {
            await writer.FlushAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            _stalled = true;
        }
    }

    private async Task TryWriteInternalErrorAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(_settings.LingerTimeout, _settings.Time);
            await SayAsync(ProtocolError.For(ErrorCode.InternalError), timeout.Token);
        }
#pragma warning disable CA1031 // Best effort on a connection that is already failing.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: lost ({Detail})")]
    private partial void LogConnectionLost(long connectionId, string detail);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Connection {ConnectionId}: the client took no reply for {Timeout}; dropping it")]
    private partial void LogStalled(long connectionId, string timeout);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Connection {ConnectionId}: unexpected failure; the connection is closed, the server goes on")]
    private partial void LogUnexpected(Exception exception, long connectionId);
}
