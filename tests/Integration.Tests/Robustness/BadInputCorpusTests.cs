using System.Diagnostics;
using System.Net.Sockets;
using IotSquares.Integration.Tests.Support;

namespace IotSquares.Integration.Tests.Robustness;

/// <summary>
/// Issue 3, "the server survives anything a client sends": each case of the corpus (Corpus.cs) against
/// the real server program in a process of its own, as a test case of its own, followed by a normal
/// client that must be served in full. The memory check and the report are in CorpusMemoryTests.
/// </summary>
public sealed class BadInputCorpusTests(CorpusServer fixture) : IClassFixture<CorpusServer>
{
    private const string Hello = Corpus.Hello;
    private const string Welcome = Corpus.Welcome;

    public static TheoryData<string> Cases => Corpus.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_server_answers_the_case_as_the_protocol_says_and_serves_the_next_client(string name)
    {
        CorpusCase corpusCase = Corpus.Named(name);

        CaseResult result = await CorpusRunner.RunCaseAsync(fixture.Server, corpusCase, busyMayLinger: name.StartsWith("more connections", StringComparison.Ordinal));

        Assert.True(result.Passed, result.Problem);
    }

    // Found while building this corpus: the idle timeout covered reading only, so a client that
    // pipelines requests and never reads the replies held its connection (and its slot) for ever once
    // the TCP buffers filled. The flush now has the idle timeout too.
    [Fact]
    public async Task A_client_that_never_reads_its_replies_loses_its_slot_after_the_idle_timeout()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(["--idle-timeout", "00:00:01", "--max-connections", "1"]);
        using RawConnection hog = await RawConnection.ConnectAsync(server.Port);
        await SendAndWaitAsync(hog, Hello, Welcome.Length);

        // 16 MB of requests "1\n" whose 16 MB of replies are never read: far more than the socket buffers
        // hold (about 7 MB on loopback here), so the send blocks for good; it fails when the socket closes below.
        byte[] requests = new byte[16 << 20];
        for (int i = 0; i < requests.Length; i += 2)
        {
            requests[i] = (byte)'1';
            requests[i + 1] = (byte)'\n';
        }

        Task sending = Task.Run(async () =>
        {
            try
            {
                await hog.SendAsync(requests);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        });

        // The only slot must come free once the idle timeout (1 s) has passed with no reply delivered.
        // Probe until it does ("ERR 503 server busy" meanwhile), with a deadline far beyond 1 s, so a
        // loaded machine only makes the test slower, never red; it fails only if the slot stays taken.
        string reply = await ProbeUntilWelcomedAsync(server.Port, TimeSpan.FromSeconds(60));
        hog.Socket.Close(0);
        await sending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(Welcome, reply);
    }

    private static async Task<string> ProbeUntilWelcomedAsync(int port, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        string reply = string.Empty;
        for (int probe = 0; probe < 600 && clock.Elapsed < deadline; probe++)
        {
            using RawConnection next = await RawConnection.ConnectAsync(port);
            await next.SendAsync(Hello);
            reply = await next.ReceiveUntilAsync(t => t.EndsWith('\n'), TimeSpan.FromSeconds(10));
            if (reply == Welcome)
            {
                return reply;
            }

            // Busy: the hog still holds the slot. Any other answer is a failure worth seeing at once.
            Assert.StartsWith("ERR 503 server busy", reply);
            await Task.Delay(100);
        }

        return reply;
    }

    private static Task SendAndWaitAsync(RawConnection c, string text, int receivedLength) =>
        CorpusRunner.SendAndWaitAsync(c, text, receivedLength);
}
