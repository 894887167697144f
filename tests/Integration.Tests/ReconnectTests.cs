using System.Numerics;
using IotSquares.Client;
using IotSquares.Client.Exchange;
using IotSquares.Integration.Tests.Support;

namespace IotSquares.Integration.Tests;

/// <summary>
/// The client survives the server going away: it reconnects with backoff, greets again and resends
/// exactly the requests not yet answered. Every test checks the whole result: every square, once,
/// in order, each verified.
/// </summary>
public sealed class ReconnectTests
{
    private static readonly RetryPolicy Quick = new(20, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(500));

    public static TheoryData<DialectChoice, int, FaultKind> Faults => new()
    {
        { DialectChoice.Framed, 1, FaultKind.CloseMidFrame },
        { DialectChoice.Framed, 32, FaultKind.CloseMidFrame },
        { DialectChoice.Textbook, 1, FaultKind.CloseMidFrame },
        { DialectChoice.Framed, 1, FaultKind.Garbage },
        { DialectChoice.Framed, 32, FaultKind.Garbage },
        { DialectChoice.Textbook, 1, FaultKind.Garbage },
        { DialectChoice.Framed, 1, FaultKind.Silence },
        { DialectChoice.Framed, 32, FaultKind.Silence },
        { DialectChoice.Textbook, 1, FaultKind.Silence },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_fault_on_the_first_connections_is_survived_with_every_square_once_in_order(DialectChoice dialect, int window, FaultKind kind)
    {
        await using TestServer server = await TestServer.StartAsync();

        // The first two connections fail after a few hundred bytes of replies (mostly mid-line), the rest are clean.
        await using ChaosProxy proxy = ChaosProxy.Start(server.Port, n => n <= 2 ? new Fault(kind, 300 + (n * 37)) : Fault.None);
        const long count = 2_000;
        var (result, events) = await Clients.RunAsync(proxy.Port, o => o with
        {
            Dialect = dialect,
            Pipeline = window,
            Count = count,
            Start = -500,
            Retry = Quick,
            ReceiveTimeout = TimeSpan.FromMilliseconds(kind == FaultKind.Silence ? 1_000 : 5_000),
        });

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(count, result.Verified);
        if (kind == FaultKind.Silence)
        {
            // A receive timeout cannot tell a silent server from a machine that stalled the client for longer than
            // the timeout (CI runs the test assemblies side by side with an AOT link): there, one more reconnect on a
            // clean connection is the right thing to do. Both faults must still have been ridden out, each
            // reconnect must be a new connection, and every square must come once and in order.
            Assert.True(result.Reconnects >= 2, $"{result.Reconnects} reconnects");
            Assert.Equal(result.Reconnects + 1, proxy.Connections);
        }
        else
        {
            Assert.Equal(2, result.Reconnects);
            Assert.Equal(3, proxy.Connections);
        }

        AssertEverySquareOnceInOrder(events, -500, count);
    }

    [Fact]
    public async Task A_server_that_only_answers_garbage_ends_the_run_with_exit_3_after_the_retries()
    {
        await using TestServer server = await TestServer.StartAsync();
        await using ChaosProxy proxy = ChaosProxy.Start(server.Port, _ => new Fault(FaultKind.Garbage, 0));

        var (result, _) = await Clients.RunAsync(proxy.Port, o => o with { Retry = new RetryPolicy(3, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40)) });

        Assert.Equal(ClientExitCodes.ProtocolError, result.ExitCode);
        Assert.Contains("gave up after 3 reconnects without progress", result.Message);
        Assert.Equal(4, proxy.Connections);
        Assert.Equal(0, result.Verified);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public async Task A_wrong_square_ends_the_run_with_exit_4_and_is_never_retried(int window)
    {
        await using LyingServer liar = LyingServer.Start(lieAbout: 5);

        var (result, events) = await Clients.RunAsync(liar.Port, o => o with { Start = 0, Count = 10, Pipeline = window, Retry = Quick });

        Assert.Equal(ClientExitCodes.WrongSquare, result.ExitCode);
        Assert.Contains("wrong square for 5: expected 25, the server sent 26", result.Message);
        Assert.Equal(5, result.Verified); // 0..4 verified; the lie about 5 stops the run
        Assert.Equal(0, result.Reconnects);
        Assert.Equal(1, liar.Connections);
        AssertEverySquareOnceInOrder(events, 0, 5);
    }

    public static TheoryData<DialectChoice, int> KillModes => new()
    {
        { DialectChoice.Framed, 1 },
        { DialectChoice.Framed, 64 },
        { DialectChoice.Textbook, 1 },
    };

    [Theory]
    [MemberData(nameof(KillModes))]
    public async Task The_client_rides_out_a_server_killed_with_SIGKILL_and_restarted_on_the_same_port(DialectChoice dialect, int window)
    {
        await using ServerProcess first = await ServerProcess.StartAsync([]);
        const long count = 10_000;
        BigInteger start = BigInteger.Pow(10, 12);
        var events = new RecordingObserver();

        // The client is held inside its 2,000th square until the server has been killed and restarted,
        // so the kill always lands mid-run, however fast or slow this machine is.
        using var hold = new HoldAtSquare(2_000);
        var options = new ClientOptions
        {
            Host = "127.0.0.1",
            Port = first.Port,
            ReceiveTimeout = TimeSpan.FromSeconds(20),
            Dialect = dialect,
            Pipeline = window,
            Count = count,
            Start = start,
            Retry = new RetryPolicy(30, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500)),
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        Task<ExchangeResult> run = Task.Run(() => new SquaresClient(options, [events, hold]).RunAsync(timeout.Token));

        await hold.Reached.WaitAsync(TimeSpan.FromSeconds(60));
        await first.KillAsync(); // SIGKILL: no goodbye, no FIN from the application, replies in flight lost.

        // The same port on purpose: it is the one the client keeps calling. The helper waits for it to be free.
        await using ServerProcess second = await ServerProcess.StartAsync([], port: first.Port);
        hold.Release();
        ExchangeResult result = await run.WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(count, result.Verified);
        Assert.True(result.Reconnects >= 1);
        AssertEverySquareOnceInOrder(events, start, count);
    }

    private static void AssertEverySquareOnceInOrder(RecordingObserver events, BigInteger start, long count)
    {
        // Squares are reported per batch, by the batch's latest: each must be the request at its position in the
        // run (so none was skipped or repeated before it), and the positions must reach the count exactly.
        var squared = events.Squared.ToArray();
        Assert.Empty(events.CountErrors);
        Assert.Equal(count, squared[^1].Position);
        for (int i = 0; i < squared.Length; i++)
        {
            BigInteger value = start + squared[i].Position - 1;
            Assert.Equal(value.ToString(), squared[i].Value);
            Assert.Equal((value * value).ToString(), squared[i].Square);
        }
    }
}
