using IotSquares.Server.Options;

namespace IotSquares.Server.Tests.Options;

/// <summary>Settings that cannot work are refused at start-up, every reason at once.</summary>
public sealed class ServerOptionsValidatorTests
{
    private readonly ServerOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(_validator.Validate(null, new ServerOptions()).Succeeded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65535)]
    public void Port_0_and_65535_are_valid(int port)
    {
        Assert.True(_validator.Validate(null, new ServerOptions { Port = port }).Succeeded);
    }

    public static TheoryData<string, Action<ServerOptions>, string> Refusals => new()
    {
        { "port below 0", o => o.Port = -1, "Server:Port must be 0-65535, not -1." },
        { "port above 65535", o => o.Port = 65536, "Server:Port must be 0-65535, not 65536." },
        { "empty bind", o => o.Bind = " ", "Server:Bind must be '*', an IP address or a host name." },
        { "no connections", o => o.MaxConnections = 0, "Server:MaxConnections must be at least 1, not 0." },
        { "negative per address", o => o.MaxConnectionsPerAddress = -1, "Server:MaxConnectionsPerAddress must be 0 (no limit) or more, not -1." },
        { "read buffer too small", o => o.ReadBufferSize = 511, "Server:ReadBufferSize must be 512-1048576 bytes, not 511." },
        { "read buffer too big", o => o.ReadBufferSize = 1_048_577, "Server:ReadBufferSize must be 512-1048576 bytes, not 1048577." },
        { "negative spin", o => o.SpinMicroseconds = -1, "Server:SpinMicroseconds must be 0-100000 microseconds (at most 100 ms), not -1." },
        { "spin too long", o => o.SpinMicroseconds = 100_001, "Server:SpinMicroseconds must be 0-100000 microseconds (at most 100 ms), not 100001." },
        { "zero handshake timeout", o => o.HandshakeTimeout = TimeSpan.Zero, "Server:HandshakeTimeout must be more than zero and at most a day, not " },
        { "idle timeout over a day", o => o.IdleTimeout = TimeSpan.FromHours(25), "Server:IdleTimeout must be more than zero and at most a day, not " },
        { "negative shutdown timeout", o => o.ShutdownTimeout = TimeSpan.FromSeconds(-1), "Server:ShutdownTimeout must be more than zero and at most a day, not -" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Each_impossible_setting_is_refused_with_its_own_line(string what, Action<ServerOptions> change, string expected)
    {
        var options = new ServerOptions();
        change(options);

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed, what);
        string failure = Assert.Single(result.Failures!);
        Assert.StartsWith(expected, failure); // durations are then written as the command line reads them
    }

    [Fact]
    public void A_line_limit_too_short_for_the_digit_limit_is_refused_naming_the_setting()
    {
        var options = new ServerOptions { MaxDigits = 4096, MaxLineLength = 4096 };

        var result = _validator.Validate(null, options);

        string failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Server:MaxLineLength must be at least 4097 ", failure);
    }

    [Fact]
    public void Every_reason_is_given_at_once()
    {
        var options = new ServerOptions { Port = -5, MaxConnections = 0, IdleTimeout = TimeSpan.Zero };

        var result = _validator.Validate(null, options);

        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Server:Port ", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Server:MaxConnections ", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Server:IdleTimeout ", StringComparison.Ordinal));
    }
}
