using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using IotSquares.Integration.Tests.Support;
using static IotSquares.Integration.Tests.Robustness.ByteText;

namespace IotSquares.Integration.Tests.Robustness;

/// <summary>
/// Ten thousand short connections, eight at a time, five kinds in turn: FIN at once, RST at once, HELLO
/// then close, Hi there! then close, and a whole framed exchange. A kind that waits for an answer must
/// get the right one. A 503 refusal is a correct answer at the limit (§4): clients here close faster
/// than a busy server tears their connections down, so a closed connection may hold its slot a moment.
/// A refused cycle therefore tries again, a bounded number of times, and must then be served: a leaked
/// slot would turn into refusals for everything after it, which no retry rides out.
/// </summary>
internal static class ConnectCloseCycles
{
    public const int Cycles = 10_000;
    private const int Concurrency = 8;
    private const int MaxTries = 50;
    private const string Passed = "every answering cycle served, none left refused, the server idle again";

    public static CorpusCase Case { get; } = new(
        $"{Cycles:N0} connect/close cycles, {Concurrency} at a time",
        "in turn: FIN at once; RST at once; HELLO then close; Hi there! then close; HELLO, 7, BYE",
        Passed,
        Expect.Exactly,
        RunAsync);

    private enum Outcome
    {
        Left,
        Served,
        Refused,
    }

    private static async Task<Observed> RunAsync(ServerProcess server)
    {
        int next = -1;
        int served = 0;
        int left = 0;
        int retries = 0;
        var problems = new List<string>();
        var clock = Stopwatch.StartNew();
        Task[] workers = [.. Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            for (int i = Interlocked.Increment(ref next); i < Cycles; i = Interlocked.Increment(ref next))
            {
                (Outcome outcome, string? problem, int tries) = await CycleWithRetriesAsync(server.Port, i % 5);
                Interlocked.Add(ref retries, tries - 1);
                if (problem is not null)
                {
                    lock (problems)
                    {
                        problems.Add($"cycle {i}: {problem}");
                    }
                }
                else if (outcome == Outcome.Served)
                {
                    Interlocked.Increment(ref served);
                }
                else
                {
                    Interlocked.Increment(ref left);
                }
            }
        }))];

        // Bounded: 10,000 cycles take seconds; minutes mean the server is stuck.
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(3));
        bool idle = await CorpusRunner.WaitUntilIdleAsync(server);
        string summary = $"{Cycles:N0} cycles in {clock.Elapsed.TotalSeconds:F1} s: {served:N0} served, {left:N0} left at once, " +
            $"{problems.Count} failed; {retries} refusals (503) retried";
        return new Observed(
            problems.Count == 0 && served == Cycles * 3 / 5 ? Passed : summary,
            idle,
            problems.Count == 0 ? summary : summary + "; first: " + string.Join("; ", problems.Take(3)));
    }

    private static async Task<(Outcome Outcome, string? Problem, int Tries)> CycleWithRetriesAsync(int port, int kind)
    {
        for (int tries = 1; ; tries++)
        {
            (Outcome outcome, string? problem) = await CycleAsync(port, kind);
            if (outcome != Outcome.Refused || problem is not null)
            {
                return (outcome, problem, tries);
            }

            if (tries == MaxTries)
            {
                return (outcome, $"kind {kind}: refused with 503 {MaxTries} times in a row", tries);
            }

            await Task.Delay(10); // A little room for the server to release slots, bounded by the tries.
        }
    }

    private static async Task<(Outcome Outcome, string? Problem)> CycleAsync(int port, int kind)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            switch (kind)
            {
                case 0:
                    socket.Shutdown(SocketShutdown.Both);
                    return (Outcome.Left, null);
                case 1:
                    socket.Close(0);
                    return (Outcome.Left, null);
                case 2:
                    return Judge(await ExchangeAsync(socket, Corpus.Hello, Corpus.Welcome.Length, timeout.Token), Corpus.Welcome);
                case 3:
                    return Judge(await ExchangeAsync(socket, Corpus.Greeting, Corpus.GreetingReply.Length, timeout.Token), Corpus.GreetingReply);
                default:
                    string all = await ExchangeAsync(socket, Corpus.Hello + "7\nBYE\n", int.MaxValue, timeout.Token);
                    return Judge(all, Corpus.Welcome + "49\nBYE 1\n");
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return (Outcome.Left, $"kind {kind}: {ex.GetType().Name} {ex.Message}");
        }

        static (Outcome, string?) Judge(string received, string expected) =>
            received == expected ? (Outcome.Served, null)
            : received == Corpus.Busy ? (Outcome.Refused, null)
            : (Outcome.Left, $"expected {Show(Bytes(expected))}, got {Show(Bytes(received))}");
    }

    // Sends, then reads until `length` bytes, a 503 line, or the end of the stream; then closes (FIN).
    private static async Task<string> ExchangeAsync(Socket socket, string text, int length, CancellationToken timeout)
    {
        await socket.SendAsync(Bytes(text), SocketFlags.None, timeout);
        var received = new StringBuilder();
        byte[] buffer = new byte[256];
        while (received.Length < length && received.ToString() != Corpus.Busy)
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout);
            if (n == 0)
            {
                break;
            }

            received.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }

        socket.Shutdown(SocketShutdown.Both);
        return received.ToString();
    }
}
