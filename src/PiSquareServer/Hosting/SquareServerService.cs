using System.Net;
using System.Net.Sockets;
using IotSquares.CommandLine;
using IotSquares.Server.Connections;
using IotSquares.Server.Diagnostics;
using IotSquares.Server.Health;
using IotSquares.Server.Listening;
using IotSquares.Server.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IotSquares.Server.Hosting;

/// <summary>
/// The server's lifetime. Sockets are bound in <see cref="StartAsync"/>, before the host reports
/// itself started, so that systemd's READY=1 (Type=notify) means "clients can connect now".
/// </summary>
internal sealed partial class SquareServerService : BackgroundService
{
    private readonly ServerOptions _options;
    private readonly ConnectionTracker _connections;
    private readonly ServerListeners _listenerSet;
    private readonly Heartbeats _heartbeats;
    private readonly ILogger<SquareServerService> _logger;
    private IReadOnlyList<Socket> _listeners = [];
    private volatile bool _stopping;

    public SquareServerService(IOptions<ServerOptions> options, ConnectionTracker connections, ServerListeners listeners, Heartbeats heartbeats, ILogger<SquareServerService> logger)
    {
        _heartbeats = heartbeats;
        _options = options.Value;
        _connections = connections;
        _listenerSet = listeners;
        _logger = logger;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Already open when started from the command line; a failure here is a ListenFailedException.
        await _listenerSet.OpenAsync(cancellationToken);
        _listeners = _listenerSet.Sockets;
        IPEndPoint[] bound = [.. _listeners.Select(s => (IPEndPoint)s.LocalEndPoint!)];
        string endpoints = string.Join(", ", bound.Select(e => e.ToString()));
        LogListening(endpoints, CountText.Format(_options.MaxConnections));
        _connections.Observer.Listening(endpoints);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        LogStopping(CountText.Format(_connections.ActiveCount));
        _connections.Observer.Stopping();

        // Closing the listeners first means no new client arrives while the others are told goodbye.
        _stopping = true;
        foreach (Socket listener in _listeners)
        {
            listener.Dispose();
        }

        await base.StopAsync(cancellationToken);
        (bool drained, string summary) = await _connections.ShutdownAsync(_options.ShutdownTimeout, cancellationToken);
        LogStopped();
        _connections.Observer.Finished(drained, summary);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_listeners.Select(listener => AcceptLoopAsync(listener, stoppingToken)));

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stoppingToken)
    {
        using LoopHeartbeat? heartbeat = _heartbeats.Start("accept loop");
        while (!_stopping && !stoppingToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                heartbeat?.Waiting();
                client = await listener.AcceptAsync(stoppingToken);
                heartbeat?.Busy();
            }
            catch (Exception ex) when ((_stopping || stoppingToken.IsCancellationRequested) && ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of file descriptors or a connection reset before accept: wait a moment, keep serving.
                LogAcceptFailed(ex.SocketErrorCode, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(100), _heartbeats.Time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            _connections.Accept(client);
            DebugFaults.HangIf("accept");
        }
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Listening on {Endpoints} (at most {MaxConnections} clients at once)")]
    private partial void LogListening(string endpoints, string maxConnections);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Accepting a connection failed: {Error} ({Detail})")]
    private partial void LogAcceptFailed(SocketError error, string detail);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Stopping: no new clients; saying goodbye to {Count} connected")]
    private partial void LogStopping(string count);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Stopped")]
    private partial void LogStopped();
}
