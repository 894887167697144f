using System.Numerics;
using IotSquares.Client;
using IotSquares.Integration.Tests.Support;
using IotSquares.Protocol;
using IotSquares.Protocol.Events;

namespace IotSquares.Integration.Tests;

/// <summary>Our client against our server over real loopback sockets, in every dialect.</summary>
public sealed class ExchangeTests
{
    [Theory]
    [InlineData(DialectChoice.Framed, Dialect.Framed)]
    [InlineData(DialectChoice.Textbook, Dialect.Textbook)]
    [InlineData(DialectChoice.Auto, Dialect.Framed)]
    public async Task The_seed_exchange_verifies_all_hundred_squares(DialectChoice dialect, Dialect spoken)
    {
        await using TestServer server = await TestServer.StartAsync();

        var (result, events) = await Clients.RunAsync(server.Port, o => o with { Dialect = dialect });

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(spoken, result.Dialect);
        Assert.Equal(100, result.Verified);
        Assert.Equal(0, result.Errors);
        Assert.Equal(100, events.SquaresServed);
        Assert.Equal(spoken == Dialect.Framed ? "WELCOME squares/1 max-digits=4096 max-line=8192" : "Hello. Nice to see you.", result.Greeting);
        Assert.True(await server.Events.WaitUntilAsync(e => e.Closed.Count == 1));
        Assert.Equal(100, server.Events.SquaresServed);
        // Connection ids are process-wide (other tests take some): the one connection is whichever closed.
        long id = server.Events.Closed.Single().Connection;
        Assert.Contains($"{id} handshake {spoken} {(spoken == Dialect.Framed ? 1 : 0)}", server.Events.Events);
        if (spoken == Dialect.Framed)
        {
            Assert.Equal(100, result.ServerCount);
            Assert.Contains($"{id} goodbye Client 100", server.Events.Events);
            Assert.Equal(CloseReason.ClientGoodbye, server.Events.Closed.Single().Reason);
        }
        else
        {
            Assert.Null(result.ServerCount);
            Assert.Equal(CloseReason.PeerClosed, server.Events.Closed.Single().Reason);
        }
    }

    [Theory]
    [InlineData(1, 2_000)]
    [InlineData(64, 20_000)]
    [InlineData(4096, 50_000)]
    public async Task Pipelined_requests_come_back_in_order_and_all_verified(int window, long count)
    {
        await using TestServer server = await TestServer.StartAsync();

        var (result, events) = await Clients.RunAsync(server.Port, o => o with { Pipeline = window, Count = count, Start = -count / 2 });

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(count, result.Verified);
        Assert.Equal(count, result.ServerCount);
        Assert.Equal(count, events.SquaresServed);
    }

    [Theory]
    [InlineData(DialectChoice.Framed, 1)]
    [InlineData(DialectChoice.Framed, 16)]
    [InlineData(DialectChoice.Textbook, 1)]
    public async Task Integers_of_any_size_and_sign_are_squared_exactly(DialectChoice dialect, int window)
    {
        await using TestServer server = await TestServer.StartAsync();
        BigInteger start = -BigInteger.Pow(10, 300) - 25;

        var (result, _) = await Clients.RunAsync(server.Port, o => o with { Dialect = dialect, Pipeline = window, Start = start, Count = 50 });

        // The client compares each reply with the square it computes itself; a wrong one fails the run.
        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(50, result.Verified);
    }

    [Fact]
    public async Task Values_around_the_64_bit_boundary_are_squared_exactly()
    {
        await using TestServer server = await TestServer.StartAsync();

        var (high, _) = await Clients.RunAsync(server.Port, o => o with { Start = long.MaxValue - 5, Count = 10, Pipeline = 4 });
        var (low, _) = await Clients.RunAsync(server.Port, o => o with { Start = long.MinValue - (BigInteger)5, Count = 10, Dialect = DialectChoice.Textbook });

        Assert.True(high.Succeeded, high.Message);
        Assert.True(low.Succeeded, low.Message);
    }

    [Fact]
    public async Task A_server_bound_to_all_interfaces_serves_IPv4_and_IPv6_clients()
    {
        await using TestServer server = await TestServer.StartAsync(("Bind", "*"));

        var (v4, _) = await Clients.RunAsync(server.Port, o => o with { Host = "127.0.0.1", Count = 5 });
        var (v6, _) = await Clients.RunAsync(server.Port, o => o with { Host = "::1", Count = 5 });

        Assert.True(v4.Succeeded, v4.Message);
        Assert.True(v6.Succeeded, v6.Message);
    }

    [Fact]
    public async Task Fifty_concurrent_clients_all_get_correct_squares()
    {
        await using TestServer server = await TestServer.StartAsync();

        var runs = Enumerable.Range(0, 50).Select(i => Clients.RunAsync(server.Port, o => o with
        {
            Dialect = (i % 3) switch { 0 => DialectChoice.Framed, 1 => DialectChoice.Textbook, _ => DialectChoice.Auto },
            Pipeline = i % 3 == 0 ? 8 : 1,
            Start = i * 1_000,
            Count = 200,
        }));
        var results = await Task.WhenAll(runs);

        Assert.All(results, r => Assert.True(r.Result.Succeeded, r.Result.Message));
        Assert.All(results, r => Assert.Equal(200, r.Result.Verified));
        Assert.True(await server.Events.WaitUntilAsync(e => e.Closed.Count == 50));
        Assert.Equal(50 * 200, server.Events.SquaresServed);
    }
}
