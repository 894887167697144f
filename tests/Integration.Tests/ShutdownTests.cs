using IotSquares.Client;
using IotSquares.Client.Exchange;
using IotSquares.Integration.Tests.Support;
using IotSquares.Protocol.Events;

namespace IotSquares.Integration.Tests;

/// <summary>Stopping the server (SIGTERM, Ctrl+C): answer what has arrived, say goodbye, close.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task A_framed_client_is_told_goodbye_with_the_count_when_the_server_stops()
    {
        await using TestServer server = await TestServer.StartAsync();
        using RawConnection client = await RawConnection.ConnectAsync(server.Port);
        await client.SendAsync("HELLO squares/1\n1\n2\n3\n");
        await client.ReceiveUntilAsync(t => t.EndsWith("9\n", StringComparison.Ordinal));

        await server.StopAsync();
        (string text, bool closed) = await client.ReceiveToEndAsync();

        Assert.True(closed);
        Assert.Equal("WELCOME squares/1 max-digits=4096 max-line=8192\n1\n4\n9\nBYE 3 server shutting down\n", text);
        Assert.Equal(CloseReason.ServerShutdown, server.Events.Closed.Single().Reason);
    }

    [Fact]
    public async Task Requests_in_flight_at_shutdown_are_answered_before_the_goodbye()
    {
        await using TestServer server = await TestServer.StartAsync();
        using RawConnection client = await RawConnection.ConnectAsync(server.Port);
        await client.SendAsync("HELLO squares/1\n");
        await client.ReceiveUntilAsync(t => t.EndsWith('\n'));

        // Send a burst and stop at once: however much of it the server has read, each request it
        // took must be answered, in order, and the goodbye must count exactly those answers.
        await client.SendAsync(string.Concat(Enumerable.Range(1, 2000).Select(i => $"{i}\n")));
        await server.StopAsync();
        (string text, bool closed) = await client.ReceiveToEndAsync();

        Assert.True(closed);
        string[] lines = text.TrimEnd('\n').Split('\n')[1..];
        string goodbye = lines[^1];
        string[] squares = lines[..^1];
        Assert.Equal($"BYE {squares.Length} server shutting down", goodbye);
        Assert.Equal(Enumerable.Range(1, squares.Length).Select(i => (i * i).ToString()), squares);
    }

    [Fact]
    public async Task A_textbook_client_sees_the_connection_close_and_the_client_reports_it()
    {
        await using TestServer server = await TestServer.StartAsync();
        Task<(IotSquares.Client.Exchange.ExchangeResult Result, RecordingObserver Events)> run =
            Clients.RunAsync(server.Port, o => o with { Dialect = DialectChoice.Textbook, Count = 10_000_000, Retry = RetryPolicy.None });
        Assert.True(await server.Events.WaitUntilAsync(e => e.SquaresServed > 100));

        await server.StopAsync();
        var (result, _) = await run;

        Assert.Equal(ClientExitCodes.ConnectionLost, result.ExitCode);
        Assert.InRange(result.Verified, 100, 10_000_000 - 1);
    }

    [Fact]
    public async Task A_framed_client_reports_the_goodbye_and_how_far_it_got()
    {
        await using TestServer server = await TestServer.StartAsync();
        Task<(IotSquares.Client.Exchange.ExchangeResult Result, RecordingObserver Events)> run =
            Clients.RunAsync(server.Port, o => o with { Pipeline = 16, Count = 10_000_000, Retry = RetryPolicy.None });
        Assert.True(await server.Events.WaitUntilAsync(e => e.SquaresServed > 100));

        await server.StopAsync();
        var (result, _) = await run;

        Assert.Equal(ClientExitCodes.ConnectionLost, result.ExitCode);
        Assert.Contains("server shutting down", result.Message);
        Assert.Equal(result.Verified, result.ServerCount);
    }
}
