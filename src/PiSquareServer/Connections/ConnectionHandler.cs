using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
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
    private readonly Socket _socket;
    private readonly ConnectionSettings _settings;
    private readonly IExchangeObserver _observer;
    private readonly ILogger _logger;
    private readonly LoopHeartbeat? _heartbeat;
    private IServerSession? _session;

    // Set when the client stopped taking our replies: the socket is then dropped, not closed politely.
    private bool _stalled;

    public ConnectionHandler(ConnectionInfo connection, Socket socket, ConnectionSettings settings, IExchangeObserver observer, ILogger logger, LoopHeartbeat? heartbeat = null)
    {
        _heartbeat = heartbeat;
        _connection = connection;
        _socket = socket;
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
        CloseReason reason = CloseReason.ConnectionLost;
        var stream = new NetworkStream(_socket, ownsSocket: false);
        PipeReader reader = PipeReader.Create(stream, _settings.ReaderOptions);
        PipeWriter writer = PipeWriter.Create(stream, _settings.WriterOptions);
        try
        {
            // A shutdown wakes the pending read instead of cancelling it, so buffered requests are still answered.
            using CancellationTokenRegistration wake = shutdown.Register(static r => ((PipeReader)r!).CancelPendingRead(), reader);
            reason = await ExchangeAsync(reader, writer, abort);
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
            await TryWriteInternalErrorAsync(writer);
        }
        finally
        {
            _heartbeat?.Waiting(); // From here on only bounded waits for the close.
            if (_stalled || abort.IsCancellationRequested)
            {
                // Replies may be stuck in a full send buffer (a client that stopped reading, or a stop that
                // ran out of time): completing the writer would wait on them, so drop the socket first.
                _socket.Dispose();
            }

            await reader.CompleteAsync();
            await CompleteQuietlyAsync(writer);
            await stream.DisposeAsync();
            await SocketCloser.CloseGracefullyAsync(_socket, _settings.LingerTimeout);
            _observer.ConnectionClosed(_connection, reason, _session?.SquaresServed ?? 0);
        }
    }

    private async Task<CloseReason> ExchangeAsync(PipeReader reader, PipeWriter writer, CancellationToken abort)
    {
        // The clock measures progress, not traffic: the greeting must be complete within the handshake
        // timeout, and each later request within the idle timeout. It is re-armed only when a reply is
        // written, so a client trickling one byte at a time (slowloris) is cut off all the same.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(abort);
        deadline.CancelAfter(_settings.HandshakeTimeout);
        bool replied = false;
        var spinHistory = default(SpinHistory);
        while (true)
        {
            if (replied)
            {
                // Right after a reply, the next request of a lockstep client is microseconds away.
                _settings.Spinning.WaitReadable(_socket, ref spinHistory);
                replied = false;
            }

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
                await SayAsync(writer, ProtocolError.For(ErrorCode.TimedOut), abort);
                return CloseReason.TimedOut;

            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            if (_session is null)
            {
                DetectionResult detected = DialectDetector.Detect(buffer);
                if (detected == DetectionResult.Unknown)
                {
                    await SayAsync(writer, ProtocolError.For(ErrorCode.HandshakeRequired), abort);
                    return CloseReason.ProtocolError;
                }

                if (detected == DetectionResult.NeedMoreData)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (result.IsCompleted || result.IsCanceled)
                    {
                        return result.IsCanceled ? CloseReason.ServerShutdown : CloseReason.PeerClosed;
                    }

                    continue;
                }

                _session = CreateSession(detected);
            }

            if (_session.Dialect == Dialect.Textbook && !result.IsCompleted && !result.IsCanceled &&
                buffer.Length <= _settings.Textbook.Limits.MaxLineLength && _socket.Available > 0)
            {
                // A textbook message is everything that has arrived (the dialect has no delimiter). The pipe
                // hands bytes over in pieces of its buffer size, so read on while the socket has more waiting.
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

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

            if (writer.UnflushedBytes > 0)
            {
                // A client that sends but never reads fills the socket buffers and the flush waits:
                // it gets the idle timeout too, or it would hold its slot for ever.
                deadline.CancelAfter(_settings.IdleTimeout);
                try
                {
                    _heartbeat?.Waiting();
                    await writer.FlushAsync(deadline.Token);
                    _heartbeat?.Busy();
                }
                catch (OperationCanceledException) when (!abort.IsCancellationRequested)
                {
                    _stalled = true;
                    LogStalled(_connection.Id, _settings.IdleTimeout);
                    return CloseReason.TimedOut;
                }

                replied = true;
            }

            if (status.IsClosing)
            {
                return status.Reason;
            }
        }
    }

    private IServerSession CreateSession(DetectionResult dialect) => dialect == DetectionResult.Textbook
        ? new TextbookServerSession(_settings.Textbook, _connection, _observer)
        : new FramedServerSession(_settings.Framed, _connection, _observer);

    // Says a fatal error in the session's dialect, or as a framed line when no dialect was recognised.
    private async Task SayAsync(PipeWriter writer, ProtocolError error, CancellationToken abort)
    {
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
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(abort);
        limit.CancelAfter(_settings.LingerTimeout);
        try
        {
            await writer.FlushAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            _stalled = true;
        }
    }

    private static async Task CompleteQuietlyAsync(PipeWriter writer)
    {
        try
        {
            await writer.CompleteAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection is gone; whatever was not sent is lost with it.
        }
    }

    private async Task TryWriteInternalErrorAsync(PipeWriter writer)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_settings.LingerTimeout);
            await SayAsync(writer, ProtocolError.For(ErrorCode.InternalError), timeout.Token);
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
    private partial void LogStalled(long connectionId, TimeSpan timeout);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Connection {ConnectionId}: unexpected failure; the connection is closed, the server goes on")]
    private partial void LogUnexpected(Exception exception, long connectionId);
}
