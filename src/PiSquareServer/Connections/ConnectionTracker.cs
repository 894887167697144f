using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using IotSquares.CommandLine;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Server.Health;
using IotSquares.Server.Options;
using IotSquares.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IotSquares.Server.Connections;

/// <summary>
/// Owns every accepted connection: enforces the connection limit, runs each exchange, and on
/// shutdown asks them all to finish gracefully, then aborts whatever is still running at the deadline.
/// </summary>
internal sealed partial class ConnectionTracker : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly ServerOptions _options;
    private readonly ConnectionSettings _settings;
    private readonly IExchangeObserver _observer;
    private readonly ILogger<ConnectionTracker> _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ConnectionAdmission _admission;
    private readonly Heartbeats _heartbeats;
    private long _accepted;

    public ConnectionTracker(
        IOptions<ServerOptions> options,
        IEnumerable<IExchangeObserver> observers,
        Heartbeats heartbeats,
        ILogger<ConnectionTracker> logger,
        ILoggerFactory loggerFactory,
        TimeProvider time)
    {
        _heartbeats = heartbeats;
        _options = options.Value;
        _settings = new ConnectionSettings(_options, time);
        _admission = new ConnectionAdmission(_options.MaxConnections, _options.MaxConnectionsPerAddress);
        _logger = logger;
        _loggerFactory = loggerFactory;
        _observer = new ExchangeObservers(observers, ReportObserverFault);
    }

    /// <summary>How many connections are being served now (refused ones not counted).</summary>
    public int ActiveCount => _admission.Total;

    /// <summary>Every registered observer behind one fault-isolating fan-out: the server's lifecycle events go here too.</summary>
    public IExchangeObserver Observer => _observer;

    /// <summary>Starts serving <paramref name="socket"/>, or refuses it when the server is full.</summary>
    public void Accept(Socket socket)
    {
        try
        {
            socket.NoDelay = true; // Lockstep exchanges wait on every reply: never hold one back for Nagle.
        }
        catch (SocketException)
        {
            // Already reset by the client: the exchange below ends at its first read.
        }

        long id = ConnectionIds.Next();
        Interlocked.Increment(ref _accepted);
        IPEndPoint? peer = PeerEndPoint(socket);
        IPAddress? address = peer?.Address;
        var connection = new ConnectionInfo(id, peer?.ToString() ?? "unknown (connection already reset)");

        // Reserve the slot first: a connection may end and remove itself before Accept returns.
        _running[id] = Task.CompletedTask;
        Admission admission = _shutdown.IsCancellationRequested ? Admission.ServerFull : _admission.TryAdmit(address);
        Task task = admission == Admission.Admitted
            ? ServeAsync(id, connection, socket, address)
            : RefuseAsync(id, connection, socket, admission);
        _running.TryUpdate(id, task, Task.CompletedTask);
    }

    /// <summary>
    /// Asks every connection to finish, waits up to <paramref name="timeout"/>, then aborts the rest.
    /// Returns a one-line summary and whether every connection finished in time.
    /// </summary>
    public async Task<(bool Drained, string Summary)> ShutdownAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _shutdown.CancelAsync();
        Task all = Task.WhenAll(_running.Values);
        // On the server's clock, like its other timeouts.
        Task finished = await Task.WhenAny(all, Task.Delay(timeout, _settings.Time, cancellationToken));
        int aborted = 0;
        if (finished != all)
        {
            aborted = _running.Count;
            LogAborting(CountText.Format(aborted), DurationText.Format(timeout));
            await _abort.CancelAsync();
            await Task.WhenAny(all, Task.Delay(_settings.LingerTimeout * 2, _settings.Time, CancellationToken.None));
        }

        long accepted = Interlocked.Read(ref _accepted);
        return aborted == 0
            ? (true, $"stopped after {CountText.Of(accepted, "connection", "connections")}; every one closed in time")
            : (false, $"stopped after {CountText.Of(accepted, "connection", "connections")}; {CountText.Format(aborted)} cut off after {DurationText.Format(timeout)}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _abort.CancelAsync();
        _shutdown.Dispose();
        _abort.Dispose();
    }

    // The peer, with an IPv4 client on the dual-stack socket shown as IPv4 (and counted per address as
    // such). A client may reset the connection before it is accepted; the socket then has no peer.
    private static IPEndPoint? PeerEndPoint(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint is IPEndPoint peer
                ? (peer.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(peer.Address.MapToIPv4(), peer.Port) : peer)
                : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private async Task ServeAsync(long id, ConnectionInfo connection, Socket socket, IPAddress? address)
    {
        try
        {
            await Task.Yield(); // Leave the accept loop at once; the exchange runs on the thread pool.
            using LoopHeartbeat? heartbeat = _heartbeats.Start($"loop of connection {id}");
            IConnectionTransport transport = ConnectionTransports.ForSocket(socket, _settings.Spinning, _settings.ReaderOptions, _settings.WriterOptions);
            var handler = new ConnectionHandler(connection, transport, _settings, _observer, _loggerFactory.CreateLogger<ConnectionHandler>(), heartbeat);
            await handler.RunAsync(_shutdown.Token, _abort.Token);
        }
        finally
        {
            _admission.Release(address);
            _running.TryRemove(id, out _);
        }
    }

    // A refused connection is still a connection: observers see it open, the 503, and its close, so counts balance.
    private async Task RefuseAsync(long id, ConnectionInfo connection, Socket socket, Admission admission)
    {
        _observer.ConnectionOpened(connection);
        try
        {
            ProtocolError error;
            if (admission == Admission.AddressFull)
            {
                LogRefusedAddress(connection.RemoteEndPoint, CountText.Format(_options.MaxConnectionsPerAddress));
                error = new ProtocolError(ErrorCode.ServerBusy, "server busy: too many connections from your address");
            }
            else
            {
                LogRefused(connection.RemoteEndPoint, CountText.Format(_options.MaxConnections));
                error = ProtocolError.For(ErrorCode.ServerBusy);
            }

            var reply = new ArrayBufferWriter<byte>(96);
            FramedCodec.WriteError(reply, error);
            _observer.RequestRejected(connection, error);
            using var timeout = new CancellationTokenSource(_settings.LingerTimeout);
            await socket.SendAsync(reply.WrittenMemory, SocketFlags.None, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The refused client is gone already; nothing to tell it.
        }
        finally
        {
            await SocketCloser.CloseGracefullyAsync(socket, _settings.LingerTimeout);
            _observer.ConnectionClosed(connection, CloseReason.ServerBusy, 0);
            _running.TryRemove(id, out _);
        }
    }

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Refused {RemoteEndPoint}: already serving the maximum of {MaxConnections} connections")]
    private partial void LogRefused(string remoteEndPoint, string maxConnections);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Refused {RemoteEndPoint}: that address already has the maximum of {MaxPerAddress} connections")]
    private partial void LogRefusedAddress(string remoteEndPoint, string maxPerAddress);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "{Count} connections did not finish within {Timeout}; closing them now")]
    private partial void LogAborting(string count, string timeout);

    private void ReportObserverFault(IExchangeObserver observer, Exception exception, long count)
    {
        if (count == 1)
        {
            LogObserverFault(exception, observer.GetType().Name);
        }
        else
        {
            LogObserverFaults(observer.GetType().Name, CountText.Format(count));
        }
    }

    [LoggerMessage(EventId = 303, Level = LogLevel.Error, Message = "Exchange observer {Observer} failed; the exchange goes on, later failures are only counted")]
    private partial void LogObserverFault(Exception exception, string observer);

    [LoggerMessage(EventId = 305, Level = LogLevel.Error, Message = "Exchange observer {Observer} failed {Count} times in all")]
    private partial void LogObserverFaults(string observer, string count);
}
