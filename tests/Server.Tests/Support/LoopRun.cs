using IotSquares.Protocol.Events;
using IotSquares.Server.Connections;
using IotSquares.Server.Options;
using IotSquares.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IotSquares.Server.Tests.Support;

/// <summary>
/// One run of the server's connection loop (<see cref="ConnectionHandler"/>) over an in-memory
/// transport, on a fake clock that moves only when the test says so. The test plays the client
/// through <see cref="Peer"/>.
/// </summary>
internal sealed class LoopRun : IAsyncDisposable
{
    // Generous: only a broken loop ever waits this long; a working one answers in microseconds.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _shutdown = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _patience = new(Patience);

    private LoopRun(ServerOptions options)
    {
        Options = options;
        var settings = new ConnectionSettings(options, Clock);
        var handler = new ConnectionHandler(new ConnectionInfo(1, "in-memory"), Peer, settings, Events, NullLogger.Instance);
        Finished = handler.RunAsync(_shutdown.Token, _abort.Token);
    }

    public ServerOptions Options { get; }

    /// <summary>The client's end of the connection.</summary>
    public InMemoryTransport Peer { get; } = new();

    /// <summary>The clock every timeout of the loop runs on; starts at an arbitrary fixed instant.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public ConnectionEvents Events { get; } = new();

    /// <summary>Completes when the loop has closed the connection.</summary>
    public Task Finished { get; }

    /// <summary>Cancelled when a wait has taken far longer than any working loop needs.</summary>
    public CancellationToken Timeout => _patience.Token;

    public static LoopRun Start(Action<ServerOptions>? configure = null)
    {
        var options = new ServerOptions();
        configure?.Invoke(options);
        return new LoopRun(options);
    }

    /// <summary>Asks for a graceful stop, as SIGTERM does.</summary>
    public void Shutdown() => _shutdown.Cancel();

    /// <summary>Waits for the loop to end and returns how it ended.</summary>
    public async Task<(CloseReason Reason, long Count)> ClosedAsync()
    {
        await Finished.WaitAsync(Timeout);
        return Events.Closed ?? throw new InvalidOperationException("the loop ended without reporting ConnectionClosed");
    }

    public async ValueTask DisposeAsync()
    {
        await _abort.CancelAsync();
        await Peer.CompleteSendingAsync();
        try
        {
            await Finished.WaitAsync(Patience);
        }
        finally
        {
            _shutdown.Dispose();
            _abort.Dispose();
            _patience.Dispose();
        }
    }
}
