using IotSquares.Client;
using IotSquares.Client.Exchange;
using IotSquares.Integration.Tests.Support;
using IotSquares.Protocol;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IotSquares.Integration.Tests;

/// <summary>
/// The event contract of src/Protocol/Events/README.md, on both programs: our real server in this
/// process and our real client, over loopback.
/// </summary>
public sealed class EventTests
{
    private const string Welcome = "WELCOME squares/1 max-digits=4096 max-line=8192";

    [Theory]
    [InlineData(DialectChoice.Framed)]
    [InlineData(DialectChoice.Textbook)]
    public async Task Server_and_client_raise_the_same_events_with_the_same_meaning(DialectChoice dialect)
    {
        await using TestServer server = await TestServer.StartAsync();
        var (result, client) = await Clients.RunAsync(server.Port, o => o with { Dialect = dialect, Count = 50 });
        Assert.True(result.Succeeded, result.Message);
        Assert.True(await server.Events.WaitUntilAsync(e => e.Closed.Count == 1));

        bool framed = dialect == DialectChoice.Framed;
        string greeting = framed ? Welcome : "Hello. Nice to see you.";
        string[] connection =
        [
            "1 opened",
            $"1 greeted {greeting}",
            framed ? "1 handshake Framed 1" : "1 handshake Textbook 0",
            .. framed ? (string[])["1 goodbye Client 50", "1 closed ClientGoodbye 50"] : ["1 closed PeerClosed 50"],
        ];
        string[] clientSide = framed ? connection : [.. connection[..^1], "1 closed Completed 50"];
        Assert.Equal([$"connecting 127.0.0.1:{server.Port} 1", .. clientSide, "finished True"], client.Numbered);
        Assert.Equal(connection, server.Events.Numbered.Skip(1));
        Assert.Empty(client.CountErrors);
        Assert.Empty(server.Events.CountErrors);
        Assert.Equal(50, client.SquaresServed);
        Assert.Equal(50, server.Events.SquaresServed);

        // One counter for the process: the client's connection and the server's side of it differ.
        Assert.NotEqual(client.Opened.Single(), server.Events.Opened.Single());
    }

    [Fact]
    public async Task A_client_asked_to_report_each_square_tells_its_observers_of_every_one_in_order_even_when_pipelining()
    {
        await using TestServer server = await TestServer.StartAsync();
        var (result, client) = await Clients.RunAsync(server.Port, o => o with { Count = 300, Pipeline = 32, ReportEachSquare = true });

        Assert.True(result.Succeeded, result.Message);
        Assert.Empty(client.CountErrors);
        Assert.Equal(Enumerable.Range(1, 300).Select(static p => (long)p), client.Squared.Select(static s => s.Position));
        Assert.Equal(Enumerable.Range(0, 300).Select(static v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)), client.Squared.Select(static s => s.Value));
    }

    [Fact]
    public async Task The_server_says_when_it_listens_stops_and_has_finished_draining()
    {
        TestServer server = await TestServer.StartAsync();
        var (result, _) = await Clients.RunAsync(server.Port, o => o with { Count = 3 });
        Assert.True(result.Succeeded, result.Message);
        Assert.True(await server.Events.WaitUntilAsync(e => e.Closed.Count == 1));
        await server.DisposeAsync();

        string[] events = [.. server.Events.Numbered];
        Assert.Equal($"listening 127.0.0.1:{server.Port}", events[0]);
        Assert.Equal(["stopping", "finished True"], events[^2..]);
        Assert.Equal(1, events.Count(static e => e.StartsWith("listening", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_connection_refused_as_busy_opens_and_closes_on_both_sides()
    {
        await using TestServer server = await TestServer.StartAsync(("MaxConnections", "1"));
        using RawConnection holder = await RawConnection.ConnectAsync(server.Port);
        await holder.SendAsync("HELLO squares/1\n");
        await holder.ReceiveUntilAsync(static t => t.EndsWith('\n'));

        var (busy, client) = await Clients.RunAsync(server.Port, o => o with { Count = 3, Retry = RetryPolicy.None });

        Assert.Equal(ClientExitCodes.Refused, busy.ExitCode);
        Assert.Equal([$"connecting 127.0.0.1:{server.Port} 1", "1 opened", "1 rejected 503", "1 closed ServerBusy 0", "finished False"], client.Numbered);
        Assert.True(await server.Events.WaitUntilAsync(static e => e.Closed.Count == 1));
        Assert.Equal(["1 opened", $"1 greeted {Welcome}", "1 handshake Framed 1", "2 opened", "2 rejected 503", "2 closed ServerBusy 0"], server.Events.Numbered.Skip(1));
        Assert.Equal(ErrorCode.ServerBusy, server.Events.Rejections.Single().Error.Code);
    }

    [Fact]
    public async Task Reconnects_reach_the_observers_and_each_connection_counts_its_own_squares()
    {
        await using TestServer server = await TestServer.StartAsync();
        await using ChaosProxy proxy = ChaosProxy.Start(server.Port, n => n <= 2 ? new Fault(FaultKind.CloseMidFrame, 200 + (n * 50)) : Fault.None);
        var retry = new RetryPolicy(5, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20));

        var (result, client) = await Clients.RunAsync(proxy.Port, o => o with { Count = 1_000, Pipeline = 8, Retry = retry });

        Assert.True(result.Succeeded, result.Message);
        Assert.Empty(client.CountErrors);
        string[] lifecycle = [.. client.Numbered.Where(static e => e.StartsWith("connecting", StringComparison.Ordinal) || e.StartsWith("reconnecting", StringComparison.Ordinal))];
        string target = $"connecting 127.0.0.1:{proxy.Port}";
        Assert.Equal([$"{target} 1", "reconnecting 1 of 5", $"{target} 2", "reconnecting 1 of 5", $"{target} 2"], lifecycle);

        // Three connections, three ids never seen before, and counts that start again on each and add up to the run.
        Assert.Equal(3, client.Opened.Distinct().Count());
        Assert.Equal(client.Opened, client.Closed.Select(static c => c.Connection));
        Assert.Equal(1_000, client.Closed.Sum(static c => c.Count));
        Assert.All(client.Closed.Take(2), static c => Assert.Equal(CloseReason.ConnectionLost, c.Reason));
        Assert.Equal(CloseReason.ClientGoodbye, client.Closed.Last().Reason);

        // A second run of the client never reuses an id either.
        var (again, second) = await Clients.RunAsync(server.Port, o => o with { Count = 2 });
        Assert.True(again.Succeeded, again.Message);
        Assert.DoesNotContain(second.Opened.Single(), client.Opened);
    }

    [Fact]
    public async Task A_client_observer_that_throws_on_every_event_is_reported_once_and_the_run_succeeds()
    {
        await using TestServer server = await TestServer.StartAsync();
        var recorder = new RecordingObserver();
        var faults = new List<(string Observer, string Message, long Count)>();
        var options = new ClientOptions { Host = "127.0.0.1", Port = server.Port, Count = 1_000, Pipeline = 16 };
        var throwing = new Throwing();
        var client = new SquaresClient(options, [throwing, recorder], (o, e, n) => faults.Add((o.GetType().Name, e.Message, n)));

        ExchangeResult result = await client.RunAsync(CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(1_000, recorder.SquaresServed);
        Assert.Contains("finished True", recorder.Numbered);

        // connecting, opened, greeted, handshake, the batches of the 1,000 squares, goodbye, closed, finished: once at
        // first, the total at the end. However the squares were batched, every call that threw is counted.
        Assert.InRange(throwing.SquareCalls, 1, 1_000);
        Assert.Equal([("Throwing", "connecting", 1L), ("Throwing", "connecting", 7 + throwing.SquareCalls)], faults);
    }

    [Fact]
    public async Task A_server_observer_that_throws_on_every_event_is_logged_once_with_its_count()
    {
        var logs = new CapturingLoggerProvider();
        var throwing = new Throwing();
        TestServer server = await TestServer.StartAsync(builder =>
        {
            builder.Logging.AddProvider(logs);
            builder.Services.AddSingleton<IExchangeObserver>(throwing);
        });
        var (result, _) = await Clients.RunAsync(server.Port, o => o with { Count = 500, Pipeline = 16 });
        Assert.True(result.Succeeded, result.Message);
        Assert.True(await server.Events.WaitUntilAsync(static e => e.Closed.Count == 1));
        await server.DisposeAsync();

        // listening, opened, greeted, handshake, the batches of the 500 squares, goodbye, closed, stopping, finished.
        (int EventId, LogLevel Level, string Message)[] faults = [.. logs.Entries.Where(static e => e.EventId is 303 or 305)];
        Assert.Equal([303, 305], faults.Select(static f => f.EventId));
        Assert.InRange(throwing.SquareCalls, 1, 500);
        string calls = string.Join(", ", Throwing.Calls.Where(static c => c != "served").Distinct());
        string total = $"Throwing failed {8 + throwing.SquareCalls} times in all";
        Assert.True(faults[1].Message.Contains(total, StringComparison.Ordinal), $"{faults[1].Message}; expected {total}; calls other than squares: {calls}");
    }

    /// <summary>Fails on every call, like a display driver whose bus is gone; remembers what it was asked.</summary>
    private sealed class Throwing : IExchangeObserver
    {
        public static readonly System.Collections.Concurrent.ConcurrentQueue<string> Calls = new();

        public void Listening(string localEndPoint) => throw Fail("listening");

        public void Connecting(string remoteEndPoint, int attempt) => throw Fail("connecting");

        public void Stopping() => throw Fail("stopping");

        public void Finished(bool succeeded, string summary) => throw Fail("finished");

        public void ConnectionOpened(ConnectionInfo connection) => throw Fail("opened");

        public void ServerGreeted(ConnectionInfo connection, string greeting) => throw Fail("greeted");

        public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version) => throw Fail("handshake");

        private long _squareCalls;

        /// <summary>How many times <see cref="SquareServed"/> was called (once per batch of squares).</summary>
        public long SquareCalls => Interlocked.Read(ref _squareCalls);

        public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
        {
            Interlocked.Increment(ref _squareCalls);
            throw new InvalidOperationException("served");
        }

        public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count) => throw Fail("goodbye");

        public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count) => throw Fail("closed");

        private static InvalidOperationException Fail(string call)
        {
            Calls.Enqueue(call);
            return new InvalidOperationException(call);
        }
    }
}
