using System.Net;
using System.Net.Sockets;
using IotSquares.Client.Exchange;
using IotSquares.Protocol.Events;
using Microsoft.Extensions.Time.Testing;

namespace IotSquares.Client.Tests.Exchange;

/// <summary>
/// The waits between reconnects run on the client's clock: with a fake one, hours of backoff pass in
/// an instant, and each reconnect happens exactly when its delay has passed.
/// </summary>
public sealed class ReconnectBackoffTests
{
    [Fact]
    public async Task Each_reconnect_waits_its_backoff_on_the_clients_clock_then_the_client_gives_up()
    {
        // A bound socket that does not listen: every connect is refused at once, on loopback.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)closed.LocalEndPoint!).Port;

        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var attempts = new AttemptRecorder(clock);
        var options = new ClientOptions
        {
            Host = "127.0.0.1",
            Port = port,
            Count = 3,
            Retry = new RetryPolicy(3, TimeSpan.FromHours(1), TimeSpan.FromHours(8)),
        };

        // Hours of backoff: on the system clock this test could only time out.
        Task<ExchangeResult> run = new SquaresClient(options, [attempts], random: new HalfJitter(), time: clock).RunAsync(CancellationToken.None);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (TimeSpan delay in (TimeSpan[])[TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2)])
        {
            TimeSpan announced = await attempts.NextReconnectingAsync(patience.Token);
            Assert.Equal(delay, announced);
            clock.Advance(delay);
        }

        ExchangeResult result = await run.WaitAsync(patience.Token);

        Assert.Equal(ClientExitCodes.CannotConnect, result.ExitCode);
        // Four attempts (the first and three retries), none of which connected: no reconnects.
        Assert.Equal(4, result.Attempts);
        Assert.Equal(0, result.Connections);
        Assert.Equal(0, result.Reconnects);
        DateTimeOffset start = clock.Start;
        Assert.Equal(
            [start, start.AddMinutes(30), start.AddMinutes(90), start.AddMinutes(210)],
            attempts.ConnectingAt);
    }

    private sealed class HalfJitter : Random
    {
        public override double NextDouble() => 0.0;
    }

    private sealed class AttemptRecorder(FakeTimeProvider clock) : IExchangeObserver
    {
        private readonly System.Threading.Channels.Channel<TimeSpan> _reconnecting =
            System.Threading.Channels.Channel.CreateUnbounded<TimeSpan>();

        private readonly List<DateTimeOffset> _connectingAt = [];

        public IReadOnlyList<DateTimeOffset> ConnectingAt
        {
            get
            {
                lock (_connectingAt)
                {
                    return [.. _connectingAt];
                }
            }
        }

        public void Connecting(string remoteEndPoint, int attempt)
        {
            lock (_connectingAt)
            {
                _connectingAt.Add(clock.GetUtcNow());
            }
        }

        public void Reconnecting(string reason, TimeSpan delay, int attempt, int maxAttempts, long unanswered) =>
            _reconnecting.Writer.TryWrite(delay);

        public ValueTask<TimeSpan> NextReconnectingAsync(CancellationToken cancellationToken) =>
            _reconnecting.Reader.ReadAsync(cancellationToken);
    }
}
