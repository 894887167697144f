using System.Diagnostics;
using System.Numerics;
using System.Text.RegularExpressions;
using IotSquares.Client;
using IotSquares.Client.Exchange;
using IotSquares.Integration.Tests.Support;

namespace IotSquares.Integration.Tests;

/// <summary>
/// The client survives the server going away: it reconnects with backoff, greets again and resends
/// exactly the requests not yet answered. Every test checks the whole result: every square, once,
/// in order, each verified.
/// </summary>
public sealed partial class ReconnectTests
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
            ReceiveTimeout = TimeSpan.FromMilliseconds(kind == FaultKind.Silence ? 400 : 5_000),
        });

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(count, result.Verified);
        Assert.Equal(2, result.Reconnects);
        Assert.Equal(3, proxy.Connections);
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

    [Fact]
    public async Task A_wrong_square_is_never_retried()
    {
        await using TestServer server = await TestServer.StartAsync();

        // The proxy cannot lie about numbers, so the lie comes from a server that squares badly: a
        // request past its digit limit is refused (402, an answer), and the run reports it without retrying.
        await using TestServer strict = await TestServer.StartAsync(("MaxDigits", "5"), ("MaxLineLength", "128"));
        var (result, _) = await Clients.RunAsync(strict.Port, o => o with { Start = 99_998, Count = 4, Retry = Quick });

        Assert.Equal(ClientExitCodes.Refused, result.ExitCode);
        Assert.Equal(2, result.Verified);
        Assert.Equal(2, result.Errors);
        Assert.Equal(0, result.Reconnects);
    }

    public static TheoryData<DialectChoice, int> KillModes => new()
    {
        { DialectChoice.Framed, 1 },
        { DialectChoice.Framed, 64 },
        { DialectChoice.Textbook, 1 },
    };

    [Theory]
    [MemberData(nameof(KillModes))]
    public async Task The_client_rides_out_a_server_killed_with_SIGKILL_and_restarted(DialectChoice dialect, int window)
    {
        int port = FreePort();
        Process first = await StartServerAsync(port);
        const long count = 40_000;
        BigInteger start = BigInteger.Pow(10, 12);
        var events = new RecordingObserver();
        Task<(ExchangeResult Result, RecordingObserver Events)> run = Clients.RunAsync(port, o => o with
        {
            Dialect = dialect,
            Pipeline = window,
            Count = count,
            Start = start,
            Retry = new RetryPolicy(30, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500)),
        }, events);

        Process? second = null;
        try
        {
            Assert.True(await events.WaitUntilAsync(e => e.SquaresServed >= 2_000, TimeSpan.FromSeconds(60)), "the exchange never got going");
            first.Kill(); // SIGKILL: no goodbye, no FIN from the application, replies in flight lost.
            await first.WaitForExitAsync();
            long atKill = events.SquaresServed;
            second = await StartServerAsync(port);

            var (result, _) = await run.WaitAsync(TimeSpan.FromMinutes(3));

            Assert.True(result.Succeeded, result.Message);
            Assert.True(atKill < count, "the server was killed after the exchange had already finished");
            Assert.Equal(count, result.Verified);
            Assert.True(result.Reconnects >= 1);
            AssertEverySquareOnceInOrder(events, start, count);
        }
        finally
        {
            first.Dispose();
            if (second is not null)
            {
                second.Kill();
                await second.WaitForExitAsync();
                second.Dispose();
            }
        }
    }

    private static void AssertEverySquareOnceInOrder(RecordingObserver events, BigInteger start, long count)
    {
        var squared = events.Squared.ToArray();
        Assert.Equal(count, squared.Length);
        for (int i = 0; i < squared.Length; i++)
        {
            BigInteger value = start + i;
            Assert.Equal(value.ToString(), squared[i].Value);
            Assert.Equal((value * value).ToString(), squared[i].Square);
        }
    }

    private static async Task<Process> StartServerAsync(int port)
    {
        Process server = ProcessRunner.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "PiSquareServer.dll"), "--port", port.ToString(), "--bind", "127.0.0.1"]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        timeout.Token.Register(() => server.Kill());
        while (await server.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
        {
            if (ListeningLine().IsMatch(line))
            {
                // Keep draining its output so that a chatty server never blocks on a full pipe.
                _ = server.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = server.StandardError.ReadToEndAsync(CancellationToken.None);
                return server;
            }
        }

        server.Kill();
        throw new InvalidOperationException("the server exited before listening: " + await server.StandardError.ReadToEndAsync());
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Listening on 127\.0\.0\.1:\d+")]
    private static partial Regex ListeningLine();
}
