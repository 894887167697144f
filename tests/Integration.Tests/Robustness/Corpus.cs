using System.Diagnostics;
using System.Net.Sockets;
using IotSquares.Integration.Tests.Support;
using static IotSquares.Integration.Tests.Robustness.ByteText;

namespace IotSquares.Integration.Tests.Robustness;

/// <summary>
/// Issue 3's corpus of hostile and broken input: each case sends something and expects the reply
/// docs/PROTOCOL.md (§4) defines, then a clean close. The builders are in Corpus.Builders.cs.
/// </summary>
internal static partial class Corpus
{
    public const string Hello = "HELLO squares/1\n";
    public const string Welcome = "WELCOME squares/1 max-digits=4096 max-line=8192\n";
    public const string Greeting = "Hi there!";
    public const string GreetingReply = "Hello. Nice to see you.";
    public const string Busy = "ERR 503 server busy\n";
    public const int MaxConnections = 16;
    private const int OneMegabyte = 1 << 20;

    /// <summary>How the corpus' server runs: short timeouts, so that slow clients are cut off in a second.</summary>
    public static readonly string[] ServerOptions =
        ["--log-level", "Warning", "--handshake-timeout", "00:00:01", "--idle-timeout", "00:00:01", "--max-connections", "16"];

    /// <summary>The case names, one test case each.</summary>
    public static TheoryData<string> Names => [.. All().Select(c => c.Name)];

    /// <summary>The case called <paramref name="name"/>.</summary>
    public static CorpusCase Named(string name) => All().Single(c => c.Name == name);

    // After a reset the client sees nothing more; whether the server let go shows in its own sockets.
    private static async Task<Observed> LetGoAsync(ServerProcess server, string received)
    {
        bool idle = await CorpusRunner.WaitUntilIdleAsync(server);
        return new Observed(received, idle, idle ? "the server closed its side" : $"the server still holds {server.Sample().Sockets} sockets");
    }

    /// <summary>Every case, in the order the report lists them.</summary>
    public static IEnumerable<CorpusCase> All() => [.. Quick(), .. SlowClients(), MoreConnectionsThanAllowed(), ConnectCloseCycles.Case];

    private static IEnumerable<CorpusCase> Quick()
    {
        // Framed requests that are refused with a 4xx: the connection goes on (5 is squared, BYE counts 1).
        yield return FramedRequest("framed: non-numeric", "abc\n"u8.ToArray(), "ERR 400 not an integer\n");
        yield return FramedRequest("framed: empty line", "\n"u8.ToArray(), "ERR 401 empty request\n");
        yield return FramedRequest("framed: empty line, CRLF", "\r\n"u8.ToArray(), "ERR 401 empty request\n");
        yield return FramedRequest("framed: whitespace only", "   \n"u8.ToArray(), "ERR 400 not an integer\n");
        yield return FramedRequest("framed: whitespace only, tab", "\t\n"u8.ToArray(), "ERR 403 invalid characters\n");
        yield return FramedRequest("framed: NUL bytes", [(byte)'1', 0, (byte)'2', 0, (byte)'\n'], "ERR 403 invalid characters\n");
        yield return FramedRequest("framed: NUL bytes only", [0, 0, 0, (byte)'\n'], "ERR 403 invalid characters\n");
        yield return FramedRequest("framed: invalid UTF-8", [0xC3, 0x28, 0xFF, 0xFE, (byte)'\n'], "ERR 403 invalid characters\n");
        yield return FramedRequest("framed: overlong UTF-8 digit", [0xC0, 0xB7, (byte)'\n'], "ERR 403 invalid characters\n");
        yield return FramedRequest("framed: Arabic-Indic digit (valid UTF-8)", [0xD9, 0xA3, (byte)'\n'], "ERR 403 invalid characters\n");
        yield return FramedRequest("framed: HELLO twice", Bytes(Hello), "ERR 404 already greeted\n");

        // Framed lines too long for the server: 501 and close. The bytes after the limit are read and dropped.
        yield return FramedFatal("framed: 1 MB line without newline", $"{Hello} then 1 MiB of '9', no LF", Fill('9', OneMegabyte), Welcome + "ERR 501 line too long\n");
        yield return FramedFatal("framed: 1,000,000-digit number with newline", $"{Hello} then 1,000,000 × '7' and LF", [.. Fill('7', 1_000_000), (byte)'\n'], Welcome + "ERR 501 line too long\n");
        yield return BeforeHandshake("framed: 1 MB HELLO line without newline", "\"HELLO \" then 1 MiB of 'x', no LF", [.. Bytes("HELLO "), .. Fill('x', OneMegabyte)], "ERR 501 line too long\n");

        // Textbook messages that are refused with a 4xx: the lockstep goes on (12 is squared).
        yield return TextbookMessage("textbook: non-numeric", "abc"u8.ToArray(), "ERR 400 not an integer");
        yield return TextbookMessage("textbook: empty line", "\n"u8.ToArray(), "ERR 401 empty request");
        yield return TextbookMessage("textbook: whitespace only", " \t \r\n"u8.ToArray(), "ERR 401 empty request");
        yield return TextbookMessage("textbook: NUL bytes", [(byte)'4', 0, (byte)'2'], "ERR 403 invalid characters");
        yield return TextbookMessage("textbook: invalid UTF-8", [0xC3, 0x28, 0xFF], "ERR 403 invalid characters");
        yield return TextbookMessage("textbook: Hi there! twice", Bytes(Greeting), "ERR 404 already greeted");
        yield return TextbookMessage("textbook: Hi there! twice, with whitespace", Bytes(" Hi there!\r\n"), "ERR 404 already greeted");

        // Textbook messages too long for the server. The dialect has no delimiter: a message is what has
        // arrived, so the server may answer pieces (a square, or 402) before the rest is over the limit.
        const string TooLongTextbook = "^Hello\\. Nice to see you\\.(?:[0-9]+|ERR 402 too many digits)*ERR 501 line too long$";
        yield return TextbookFatal("textbook: 1 MB message", $"{Greeting} then 1 MiB of '9'", Fill('9', OneMegabyte), TooLongTextbook);
        yield return TextbookFatal("textbook: 1,000,000-digit number with newline", $"{Greeting} then 1,000,000 × '7' and LF", [.. Fill('7', 1_000_000), (byte)'\n'], TooLongTextbook);

        // First bytes that start neither greeting: 502 and close.
        yield return BeforeHandshake("first bytes: non-numeric", "abc\\n", "abc\n"u8.ToArray(), "ERR 502 handshake required\n");
        yield return BeforeHandshake("first bytes: empty line", "\\n", "\n"u8.ToArray(), "ERR 502 handshake required\n");
        yield return BeforeHandshake("first bytes: whitespace only", "\"   \"", "   "u8.ToArray(), "ERR 502 handshake required\n");
        yield return BeforeHandshake("first bytes: NUL bytes", "\\0\\0\\0\\0", [0, 0, 0, 0], "ERR 502 handshake required\n");
        yield return BeforeHandshake("first bytes: invalid UTF-8", "\\xC3\\x28\\xFF", [0xC3, 0x28, 0xFF], "ERR 502 handshake required\n");
        yield return BeforeHandshake("first bytes: 1 MB of junk", "1 MiB of 'x'", Fill('x', OneMegabyte), "ERR 502 handshake required\n");

        // Both dialects on one connection, both orders.
        yield return Scripted("mixed: framed, then the textbook greeting", $"{Hello} | Hi there!\\n5\\nBYE\\n", Welcome + "ERR 400 not an integer\n25\nBYE 1\n", async c =>
        {
            await CorpusRunner.SendAndWaitAsync(c, Hello, Welcome.Length);
            await c.SendAsync("Hi there!\n5\nBYE\n");
        });
        yield return Scripted("mixed: framed, then the textbook greeting glued to a number", $"{Hello} | Hi there! | 5\\nBYE\\n", Welcome + "ERR 400 not an integer\nBYE 0\n", async c =>
        {
            await CorpusRunner.SendAndWaitAsync(c, Hello, Welcome.Length);
            await c.SendAsync(Greeting); // Framed: glued or not, "Hi there!5" is one line, whatever the reads.
            await c.SendAsync("5\nBYE\n");
        });
        yield return Scripted("mixed: both greetings in one write, framed first", "HELLO squares/1\\nHi there! | \\n5\\nBYE\\n", Welcome + "ERR 400 not an integer\n25\nBYE 1\n", async c =>
        {
            await CorpusRunner.SendAndWaitAsync(c, Hello + Greeting, Welcome.Length);
            await c.SendAsync("\n5\nBYE\n");
        });
        yield return Scripted("mixed: textbook, then HELLO", $"{Greeting} | {Hello} | 12", GreetingReply + "ERR 400 not an integer144", async c =>
        {
            await CorpusRunner.SendAndWaitAsync(c, Greeting, GreetingReply.Length);
            await CorpusRunner.SendAndWaitAsync(c, Hello, GreetingReply.Length + "ERR 400 not an integer".Length);
            await CorpusRunner.SendAndWaitAsync(c, "12", GreetingReply.Length + "ERR 400 not an integer144".Length);
        });
        yield return Scripted("mixed: textbook, then framed request lines", $"{Greeting} | 3\\n4\\n | 12", GreetingReply + "ERR 403 invalid characters144", async c =>
        {
            await CorpusRunner.SendAndWaitAsync(c, Greeting, GreetingReply.Length);
            await CorpusRunner.SendAndWaitAsync(c, "3\n4\n", GreetingReply.Length + "ERR 403 invalid characters".Length);
            await CorpusRunner.SendAndWaitAsync(c, "12", GreetingReply.Length + "ERR 403 invalid characters144".Length);
        });
        yield return Scripted("mixed: both greetings in one write, textbook first", $"Hi there!{Hello} | 12", GreetingReply + "ERR 400 not an integer144", async c =>
        {
            await CorpusRunner.SendAndWaitAsync(c, Greeting + Hello, GreetingReply.Length + "ERR 400 not an integer".Length);
            await CorpusRunner.SendAndWaitAsync(c, "12", GreetingReply.Length + "ERR 400 not an integer144".Length);
        });

        // Half-open: the client shuts down its sending side after a partial line and keeps reading.
        yield return HalfOpen("half-open: framed, mid-line", Hello + "12", Welcome);
        yield return HalfOpen("half-open: framed, a whole line then part of one", Hello + "3\n4", Welcome + "9\n");
        yield return HalfOpen("half-open: mid-greeting", "HELLO squ", string.Empty);
        yield return Scripted("half-open: textbook, a message then FIN", $"{Greeting} | 12 + FIN", GreetingReply + "144", async c =>
        {
            await CorpusRunner.SendAndWaitAsync(c, Greeting, GreetingReply.Length);
            await c.SendAsync("12");
        });

        // A reset (RST) in the middle of a line: the server must just let go.
        yield return Reset("RST: framed, mid-line", $"{Hello} | 123 + RST", Hello, Welcome, "123");
        yield return Reset("RST: textbook, after the greeting", $"{Greeting} | 4 + RST", Greeting, GreetingReply, "4");
        yield return Reset("RST: mid-greeting", "Hi th + RST", string.Empty, string.Empty, "Hi th");
        yield return Reset("RST: at once", "connect + RST", string.Empty, string.Empty, string.Empty);
        yield return new CorpusCase("RST: in the middle of a 1 MB line", $"{Hello} | 256 KiB of '9' + RST", Welcome, Expect.Exactly, async server =>
        {
            using RawConnection c = await RawConnection.ConnectAsync(server.Port);
            await CorpusRunner.SendAndWaitAsync(c, Hello, Welcome.Length);
            await c.SendAsync(Fill('9', OneMegabyte / 4));
            c.Socket.Close(0);
            return await LetGoAsync(server, c.ReceivedText);
        });
    }

    // Slowloris: one byte every 150-200 ms. The timeouts measure progress, not traffic (PROTOCOL.md §5),
    // so the client is cut off with 504 after 1 s, before its message is complete.
    private static IEnumerable<CorpusCase> SlowClients()
    {
        yield return Trickle("slowloris: framed greeting", string.Empty, Hello, "ERR 504 timed out\n", seed: 1);
        yield return Trickle("slowloris: textbook greeting", string.Empty, Greeting, "ERR 504 timed out\n", seed: 2);
        yield return Trickle("slowloris: framed request after the handshake", Hello, "1234567890123456789\n", Welcome + "ERR 504 timed out\n", seed: 3);
    }

    private static CorpusCase MoreConnectionsThanAllowed() => new(
        $"more connections than --max-connections {MaxConnections}",
        $"{MaxConnections} clients greet and keep squaring; 3 more connect",
        string.Concat(Enumerable.Repeat(Busy, 3)),
        Expect.Exactly,
        CorpusRunner.OverflowAsync);
}
