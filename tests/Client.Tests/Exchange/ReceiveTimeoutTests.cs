using System.Net;
using System.Net.Sockets;
using System.Text;
using IotSquares.Client.Exchange;
using Microsoft.Extensions.Time.Testing;

namespace IotSquares.Client.Tests.Exchange;

/// <summary>
/// The receive timeout runs on the client's clock, like the backoff: against a server that goes silent
/// (on loopback), an hour's timeout passes in an instant on a fake clock, and fires exactly when the hour
/// is up, not a minute before. On the system clock this test could only hit its 30 s deadline.
/// </summary>
public sealed class ReceiveTimeoutTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false, "no greeting from the server within 1 h")]
    [InlineData(true, "no reply from the server within 1 h")]
    public async Task A_silent_server_times_out_when_the_receive_timeout_has_passed_on_the_clients_clock(bool welcome, string message)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var clock = new WatchedClock();
        var options = new ClientOptions
        {
            Host = "127.0.0.1",
            Port = ((IPEndPoint)listener.LocalEndpoint).Port,
            Count = 3,
            ReceiveTimeout = TimeSpan.FromHours(1),
            Spin = TimeSpan.Zero,
            Retry = new RetryPolicy(0, TimeSpan.Zero, TimeSpan.Zero),
        };
        using var patience = new CancellationTokenSource(Patience);

        Task<ExchangeResult> run = new SquaresClient(options, [], time: clock).RunAsync(CancellationToken.None);
        using Socket server = await listener.AcceptSocketAsync(patience.Token);
        await ReadLineAsync(server, "HELLO squares/1", patience.Token);
        if (welcome)
        {
            await server.SendAsync(Encoding.ASCII.GetBytes("WELCOME squares/1 max-digits=4096 max-line=8192\n"), patience.Token);
            await ReadLineAsync(server, "0", patience.Token);
        }

        // The client is now waiting, or about to: its clock is armed for the hour once per wait (the greeting's, then the reply's).
        DateTimeOffset armedAt = await clock.ArmedAsync(options.ReceiveTimeout, welcome ? 2 : 1, patience.Token);
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Empty(clock.FiredAt);
        clock.Advance(TimeSpan.FromMinutes(1));
        ExchangeResult result = await run.WaitAsync(patience.Token);

        Assert.Equal([armedAt + options.ReceiveTimeout], clock.FiredAt);
        Assert.Equal(ClientExitCodes.Timeout, result.ExitCode);
        Assert.Equal(message, result.Message);
        Assert.Equal(0, result.Verified);
    }

    // Reads from the server's side until a whole line arrives, and checks it.
    private static async Task ReadLineAsync(Socket socket, string expected, CancellationToken cancellationToken)
    {
        var received = new List<byte>();
        var buffer = new byte[256];
        while (!received.Contains((byte)'\n'))
        {
            int read = await socket.ReceiveAsync(buffer, cancellationToken);
            Assert.True(read > 0, $"the client closed the connection after '{Encoding.ASCII.GetString([.. received])}'");
            received.AddRange(buffer.AsSpan(0, read));
        }

        Assert.Equal(expected, Encoding.ASCII.GetString([.. received]).Split('\n')[0]);
    }

    /// <summary>A fake clock that says when one of its timers is armed for a given time, and when one fires.</summary>
    private sealed class WatchedClock : FakeTimeProvider
    {
        private readonly List<DateTimeOffset> _firedAt = [];
        private readonly List<(TimeSpan Due, DateTimeOffset At)> _armed = [];

        public WatchedClock()
            : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
        {
        }

        public IReadOnlyList<DateTimeOffset> FiredAt
        {
            get
            {
                lock (_firedAt)
                {
                    return [.. _firedAt];
                }
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            ITimer inner = base.CreateTimer(
                s =>
                {
                    lock (_firedAt)
                    {
                        _firedAt.Add(GetUtcNow());
                    }

                    callback(s);
                },
                state,
                dueTime,
                period);
            Record(dueTime);
            return new Watched(inner, this);
        }

        /// <summary>
        /// Waits (really, bounded by <paramref name="cancellationToken"/>) until timers have been armed for
        /// <paramref name="due"/> <paramref name="times"/> times; returns when, on this clock, the last was.
        /// </summary>
        public async Task<DateTimeOffset> ArmedAsync(TimeSpan due, int times, CancellationToken cancellationToken)
        {
            while (true)
            {
                lock (_armed)
                {
                    var matching = _armed.Where(a => a.Due == due).ToList();
                    if (matching.Count >= times)
                    {
                        return matching[times - 1].At;
                    }
                }

                await Task.Delay(10, cancellationToken);
            }
        }

        private void Record(TimeSpan due)
        {
            lock (_armed)
            {
                _armed.Add((due, GetUtcNow()));
            }
        }

        private sealed class Watched(ITimer inner, WatchedClock clock) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                clock.Record(dueTime);
                return inner.Change(dueTime, period);
            }

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
