using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using IotSquares.Integration.Tests.Support;
using static IotSquares.Integration.Tests.Robustness.ByteText;

namespace IotSquares.Integration.Tests.Robustness;

/// <summary>Runs corpus cases against a server and checks that a normal client is served after each.</summary>
internal static class CorpusRunner
{
    /// <summary>
    /// Waits (bounded) until the server holds no more sockets than when it became ready: every
    /// connection closed on its side. Returns false if that does not happen within 30 s.
    /// </summary>
    public static async Task<bool> WaitUntilIdleAsync(ServerProcess server)
    {
        var clock = Stopwatch.StartNew();
        while (server.Sample().Sockets > server.SocketsWhenReady)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30) || server.HasExited)
            {
                return false;
            }

            await Task.Delay(10); // Polling /proc for a condition, bounded above.
        }

        return true;
    }

    public static async Task<CaseResult> RunCaseAsync(ServerProcess server, CorpusCase corpusCase, bool busyMayLinger = false)
    {
        var clock = Stopwatch.StartNew();
        Observed observed;
        try
        {
            observed = await corpusCase.Run(server).WaitAsync(TimeSpan.FromMinutes(3));
        }
#pragma warning disable CA1031 // A case that throws is a failed case, reported with the others.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            observed = new Observed(string.Empty, Closed: false, $"{ex.GetType().Name}: {ex.Message}");
        }

        TimeSpan elapsed = clock.Elapsed;
        string? problem = corpusCase.Check(observed);
        string? next = await ServeNormallyAsync(server, busyMayLinger);
        if (next is not null)
        {
            problem = problem is null ? next : $"{problem}; {next}";
        }

        return new CaseResult(corpusCase.Name, corpusCase.Sent, corpusCase.Expected, observed, problem is null, problem, elapsed);
    }

    // A normal client right after a case must be served in full. After the connection-limit case the
    // slots are freed as the held connections close, so a refusal is retried for a short while there.
    public static async Task<string?> ServeNormallyAsync(ServerProcess server, bool busyMayLinger = false)
    {
        for (int attempt = 1; ; attempt++)
        {
            if (server.HasExited)
            {
                return "the server process has exited";
            }

            var (result, _) = await Clients.RunAsync(server.Port, o => o with { Count = 5 });
            if (result.Succeeded && result.Verified == 5)
            {
                return null;
            }

            if (!busyMayLinger || attempt >= 20 || result.Message?.Contains("503", StringComparison.Ordinal) != true)
            {
                return $"the next client was not served (exit {result.ExitCode}: {result.Message})";
            }

            await Task.Delay(100); // Polling for the slots to come free, bounded by the attempts.
        }
    }

    public static async Task SendAndWaitAsync(RawConnection c, string text, int receivedLength) =>
        await SendAndWaitAsync(c, Bytes(text), receivedLength);

    public static async Task SendAndWaitAsync(RawConnection c, byte[] bytes, int receivedLength)
    {
        await c.SendAsync(bytes);
        await c.ReceiveUntilAsync(t => t.Length >= receivedLength, TimeSpan.FromSeconds(5));
    }

    // Sends a large payload while reading, so the server's reply is read as soon as it comes (a server
    // that closes while the client is still sending may make the kernel send RST, which can destroy
    // unread bytes); then shuts down the sending side and reads until the server closes.
    public static async Task<Observed> SendWhileReadingAsync(RawConnection c, byte[] payload)
    {
        Task<(string Text, bool Closed)> reading = c.ReceiveToEndAsync(TimeSpan.FromSeconds(15));
        string? note = null;
        try
        {
            await c.SendAsync(payload);
            c.Socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException ex)
        {
            note = $"the send stopped: {ex.SocketErrorCode}";
        }

        var (text, closed) = await reading;
        return new Observed(text, closed, note);
    }

    public static async Task<Observed> OverflowAsync(ServerProcess server)
    {
        var held = new List<RawConnection>();
        using var stop = new CancellationTokenSource();
        try
        {
            for (int i = 0; i < Corpus.MaxConnections; i++)
            {
                RawConnection connection = await RawConnection.ConnectAsync(server.Port);
                held.Add(connection);
                await SendAndWaitAsync(connection, Corpus.Hello, Corpus.Welcome.Length);
                if (connection.ReceivedText != Corpus.Welcome)
                {
                    return new Observed(connection.ReceivedText, Closed: false, $"held connection {i + 1} was not welcomed");
                }
            }

            // The idle timeout (1 s) would free the slots: keep every held connection making progress.
            Task<string>[] keepers = [.. held.Select(c => KeepSquaringAsync(c, stop.Token))];
            var refusals = new StringBuilder();
            bool allClosed = true;
            for (int i = 0; i < 3; i++)
            {
                using RawConnection extra = await RawConnection.ConnectAsync(server.Port);
                var (text, closed) = await extra.ReceiveToEndAsync(TimeSpan.FromSeconds(5));
                refusals.Append(text);
                allClosed &= closed;
            }

            await stop.CancelAsync();
            string[] kept = await Task.WhenAll(keepers);
            string? failedKeeper = kept.FirstOrDefault(k => k.Length > 0);
            return new Observed(
                refusals.ToString(),
                allClosed,
                (allClosed ? "each refused connection closed by the server" : "a refused connection was left open for 5 s") +
                (failedKeeper is null ? string.Empty : $"; a held connection failed: {failedKeeper}"));
        }
        finally
        {
            await stop.CancelAsync();
            foreach (RawConnection connection in held)
            {
                connection.Dispose();
            }
        }
    }

    // Squares 7 every 250 ms until told to stop, then says BYE; returns what went wrong, or "".
    private static async Task<string> KeepSquaringAsync(RawConnection c, CancellationToken stop)
    {
        int expected = Corpus.Welcome.Length;
        for (int round = 0; round < 200 && !stop.IsCancellationRequested; round++)
        {
            await c.SendAsync("7\n");
            expected += "49\n".Length;
            string text = await c.ReceiveUntilAsync(t => t.Length >= expected, TimeSpan.FromSeconds(5));
            if (!text.EndsWith("49\n", StringComparison.Ordinal))
            {
                return Show(Bytes(text));
            }

            await Task.Delay(250, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await c.SendAsync("BYE\n");
        var (all, closed) = await c.ReceiveToEndAsync(TimeSpan.FromSeconds(5));
        return closed && Regex.IsMatch(all, "BYE [0-9]+\n$") ? string.Empty : "no goodbye: " + Show(Bytes(all[^Math.Min(40, all.Length)..]));
    }
}
