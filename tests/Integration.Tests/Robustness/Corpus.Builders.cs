using System.Diagnostics;
using System.Net.Sockets;
using IotSquares.Integration.Tests.Support;
using static IotSquares.Integration.Tests.Robustness.ByteText;

namespace IotSquares.Integration.Tests.Robustness;

/// <summary>How each kind of corpus case talks to the server.</summary>
internal static partial class Corpus
{
    private static CorpusCase FramedRequest(string name, byte[] request, string error) =>
        Scripted(name, $"{Hello} | {Show(request)} | 5\\nBYE\\n", Welcome + error + "25\nBYE 1\n", async c =>
        {
            await c.SendAsync(Hello);
            await c.SendAsync(request);
            await c.SendAsync("5\nBYE\n");
        });

    private static CorpusCase TextbookMessage(string name, byte[] message, string error) =>
        Scripted(name, $"{Greeting} | {Show(message)} | 12", GreetingReply + error + "144", async c =>
        {
            await CorpusRunner.SendAndWaitAsync(c, Greeting, GreetingReply.Length);
            await CorpusRunner.SendAndWaitAsync(c, message, GreetingReply.Length + error.Length);
            await CorpusRunner.SendAndWaitAsync(c, "12", GreetingReply.Length + error.Length + 3);
        });

    private static CorpusCase FramedFatal(string name, string sent, byte[] line, string expected) =>
        new(name, sent, expected, Expect.Exactly, async server =>
        {
            using RawConnection c = await RawConnection.ConnectAsync(server.Port);
            await CorpusRunner.SendAndWaitAsync(c, Hello, Welcome.Length);
            return await CorpusRunner.SendWhileReadingAsync(c, line);
        });

    private static CorpusCase TextbookFatal(string name, string sent, byte[] message, string pattern) =>
        new(name, sent, pattern, Expect.Pattern, async server =>
        {
            using RawConnection c = await RawConnection.ConnectAsync(server.Port);
            await CorpusRunner.SendAndWaitAsync(c, Greeting, GreetingReply.Length);
            return await CorpusRunner.SendWhileReadingAsync(c, message);
        });

    private static CorpusCase BeforeHandshake(string name, string sent, byte[] firstBytes, string expected) =>
        new(name, sent, expected, Expect.Exactly, async server =>
        {
            using RawConnection c = await RawConnection.ConnectAsync(server.Port);
            return await CorpusRunner.SendWhileReadingAsync(c, firstBytes);
        });

    private static CorpusCase HalfOpen(string name, string sent, string expected) =>
        Scripted(name, Show(Bytes(sent)) + " + FIN", expected, c => c.SendAsync(sent));

    // Greets (if asked) and waits for the reply, sends part of a message, then resets the connection.
    private static CorpusCase Reset(string name, string sent, string greeting, string reply, string partial) =>
        new(name, sent, reply, Expect.Exactly, async server =>
        {
            using RawConnection c = await RawConnection.ConnectAsync(server.Port);
            if (greeting.Length > 0)
            {
                await CorpusRunner.SendAndWaitAsync(c, greeting, reply.Length);
            }

            if (partial.Length > 0)
            {
                await c.SendAsync(partial);
            }

            // A zero linger makes close() send RST instead of FIN; nothing comes back, so the server's
            // own sockets (from /proc) show whether it let go.
            c.Socket.Close(0);
            return await LetGoAsync(server, c.ReceivedText);
        });

    // Runs a script, then shuts down the sending side and reads until the server closes.
    private static CorpusCase Scripted(string name, string sent, string expected, Func<RawConnection, Task> script) =>
        new(name, sent, expected, Expect.Exactly, async server =>
        {
            using RawConnection c = await RawConnection.ConnectAsync(server.Port);
            await script(c);
            c.Socket.Shutdown(SocketShutdown.Send);
            var (text, closed) = await c.ReceiveToEndAsync(TimeSpan.FromSeconds(10));
            return new Observed(text, closed);
        });

    private static CorpusCase Trickle(string name, string greeting, string trickled, string expected, int seed) =>
        new(name, (greeting.Length > 0 ? Show(Bytes(greeting)) + " | " : string.Empty) + $"{Show(Bytes(trickled))} one byte every 150-200 ms", expected, Expect.Exactly, async server =>
        {
            using RawConnection c = await RawConnection.ConnectAsync(server.Port);
            if (greeting.Length > 0)
            {
                await CorpusRunner.SendAndWaitAsync(c, greeting, Welcome.Length);
            }

            Task<(string Text, bool Closed)> reading = c.ReceiveToEndAsync(TimeSpan.FromSeconds(15));
            var random = new Random(seed);
            int sent = 0;
            var clock = Stopwatch.StartNew();
            foreach (char b in trickled)
            {
                await Task.Delay(random.Next(150, 201));
                if (reading.IsCompleted)
                {
                    break;
                }

                try
                {
                    await c.SendAsync(b.ToString());
                    sent++;
                }
                catch (SocketException)
                {
                    break; // The server has closed already.
                }
            }

            var (text, closed) = await reading;
            bool cutOff = sent < trickled.Length;
            return new Observed(
                text,
                closed && cutOff,
                $"cut off after {sent} of {trickled.Length} bytes, {clock.Elapsed.TotalSeconds:F1} s" + (cutOff ? string.Empty : ": the whole message got through"));
        });
}
