using System.Text;
using IotSquares.Integration.Tests.Support;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;

namespace IotSquares.Integration.Tests;

/// <summary>
/// Bytes no good client sends. Each gets a clear error or a clean close, is reported once, and the
/// server then serves the next client normally. (The textbook's server dies on the first of them.)
/// </summary>
public sealed class BadInputTests
{
    private const string Hello = "HELLO squares/1\n";
    private const string Welcome = "WELCOME squares/1 max-digits=4096 max-line=8192\n";

    public static TheoryData<string, byte[], string> FramedRequests => new()
    {
        { "non-numeric", Bytes("abc\n"), "ERR 400 not an integer\n" },
        { "digits then letters", Bytes("12a\n"), "ERR 400 not an integer\n" },
        { "lone sign", Bytes("-\n"), "ERR 400 not an integer\n" },
        { "empty line", Bytes("\n"), "ERR 401 empty request\n" },
        { "whitespace only", Bytes("   \n"), "ERR 400 not an integer\n" },
        { "too many digits", Bytes(new string('7', 4097) + "\n"), "ERR 402 too many digits\n" },
        { "NUL bytes", [(byte)'1', 0, (byte)'2', (byte)'\n'], "ERR 403 invalid characters\n" },
        { "invalid UTF-8", [0xC3, 0x28, 0xFF, (byte)'\n'], "ERR 403 invalid characters\n" },
        { "greeting twice", Bytes(Hello), "ERR 404 already greeted\n" },
        { "textbook greeting inside framed", Bytes("Hi there!\n"), "ERR 400 not an integer\n" },
    };

    [Theory]
    [MemberData(nameof(FramedRequests))]
    public async Task A_bad_framed_request_gets_its_error_and_the_connection_goes_on(string name, byte[] request, string error)
    {
        await using TestServer server = await TestServer.StartAsync();
        using RawConnection client = await RawConnection.ConnectAsync(server.Port);

        await client.SendAsync(Hello);
        await client.SendAsync(request);
        await client.SendAsync("5\nBYE\n");
        (string text, bool closed) = await client.ReceiveToEndAsync();

        Assert.True(closed, name);
        Assert.Equal(Welcome + error + "25\nBYE 1\n", text);
        Assert.Single(server.Events.Rejections);
        await AssertStillServesAsync(server);
    }

    public static TheoryData<string, string, string> TextbookRequests => new()
    {
        { "non-numeric", "abc", "ERR 400 not an integer" },
        { "whitespace only", "  \n", "ERR 401 empty request" },
        { "too many digits", new string('3', 4097), "ERR 402 too many digits" },
        { "NUL byte", "4\0", "ERR 403 invalid characters" },
        { "greeting twice", "Hi there!", "ERR 404 already greeted" },
        { "framed request inside textbook", "HELLO squares/1\n", "ERR 400 not an integer" },
    };

    [Theory]
    [MemberData(nameof(TextbookRequests))]
    public async Task A_bad_textbook_message_gets_a_bare_error_and_the_lockstep_goes_on(string name, string message, string error)
    {
        await using TestServer server = await TestServer.StartAsync();
        using RawConnection client = await RawConnection.ConnectAsync(server.Port);

        await client.SendAsync("Hi there!");
        await client.ReceiveUntilAsync(t => t == "Hello. Nice to see you.");
        await client.SendAsync(message);
        string reply = await client.ReceiveUntilAsync(t => t.Length >= "Hello. Nice to see you.".Length + error.Length);
        await client.SendAsync("12");
        string next = await client.ReceiveUntilAsync(t => t.EndsWith("144", StringComparison.Ordinal));

        Assert.Equal("Hello. Nice to see you." + error, reply);
        Assert.EndsWith(error + "144", next);
        Assert.Single(server.Events.Rejections);
        // The server reports a square after its flush, so the client may read "144" just before the event.
        Assert.True(await server.Events.WaitUntilAsync(static e => e.SquaresServed >= 1));
        Assert.Equal(name.Length > 0 ? 1 : 0, server.Events.SquaresServed);
    }

    [Theory]
    [InlineData(Hello, "\n")]
    [InlineData("Hi there!", "")]
    public async Task An_over_long_line_closes_the_connection_with_501(string greeting, string terminator)
    {
        await using TestServer server = await TestServer.StartAsync();
        using RawConnection client = await RawConnection.ConnectAsync(server.Port);

        await client.SendAsync(greeting);
        await client.ReceiveUntilAsync(t => t.Length > 0);
        await client.SendAsync(new string('9', 20_000) + terminator);
        (string text, bool closed) = await client.ReceiveToEndAsync();

        Assert.True(closed);
        Assert.Contains("ERR 501 line too long", text);
        Assert.Equal(ErrorCode.LineTooLong, server.Events.Rejections.Single().Error.Code);
        await AssertStillServesAsync(server);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: pi\r\n\r\n")]
    [InlineData("\0\0\0\0")]
    [InlineData("hi there!")]
    public async Task Unknown_first_bytes_are_refused_with_502(string firstBytes)
    {
        await using TestServer server = await TestServer.StartAsync();
        using RawConnection client = await RawConnection.ConnectAsync(server.Port);

        await client.SendAsync(firstBytes);
        (string text, bool closed) = await client.ReceiveToEndAsync();

        Assert.True(closed);
        Assert.Equal("ERR 502 handshake required\n", text);
        await AssertStillServesAsync(server);
    }

    [Fact]
    public async Task An_unsupported_version_is_refused_with_505()
    {
        await using TestServer server = await TestServer.StartAsync();
        using RawConnection client = await RawConnection.ConnectAsync(server.Port);

        await client.SendAsync("HELLO squares/7,9\n");
        (string text, bool closed) = await client.ReceiveToEndAsync();

        Assert.True(closed);
        Assert.StartsWith("ERR 505 version not supported", text);
        await AssertStillServesAsync(server);
    }

    [Theory]
    [InlineData(Hello + "12")]
    [InlineData(Hello + "1\n2\n3")]
    [InlineData("Hi th")]
    [InlineData("HELLO squ")]
    public async Task A_client_that_disconnects_mid_line_is_closed_cleanly(string partial)
    {
        await using TestServer server = await TestServer.StartAsync();
        using (RawConnection client = await RawConnection.ConnectAsync(server.Port))
        {
            await client.SendAsync(partial);
            await Task.Delay(50);
        }

        Assert.True(await server.Events.WaitUntilAsync(e => e.Closed.Count == 1));
        Assert.Contains(server.Events.Closed.Single().Reason, new[] { CloseReason.PeerClosed, CloseReason.ConnectionLost });
        await AssertStillServesAsync(server);
    }

    [Fact]
    public async Task A_client_that_resets_mid_line_is_closed_cleanly()
    {
        await using TestServer server = await TestServer.StartAsync();
        using (RawConnection client = await RawConnection.ConnectAsync(server.Port))
        {
            await client.SendAsync(Hello + "123");
            await client.ReceiveUntilAsync(t => t.EndsWith('\n'));
            client.Socket.Close(0); // A zero linger makes close() send RST instead of FIN.
        }

        Assert.True(await server.Events.WaitUntilAsync(e => e.Closed.Count == 1), string.Join("; ", server.Events.Events));
        Assert.Equal(CloseReason.ConnectionLost, server.Events.Closed.Single().Reason);
        await AssertStillServesAsync(server);
    }

    private static async Task AssertStillServesAsync(TestServer server)
    {
        var (result, _) = await Clients.RunAsync(server.Port, o => o with { Count = 10 });
        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(10, result.Verified);
    }

    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);
}
