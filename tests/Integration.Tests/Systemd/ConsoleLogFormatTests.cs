using System.Text.RegularExpressions;
using IotSquares.Integration.Tests.Support;
using IotSquares.Server.Logging;

namespace IotSquares.Integration.Tests.Systemd;

/// <summary>
/// The server's log lines, read from the real program's standard output: short and timestamped on a
/// console; journald priorities and no timestamps when standard output is the journal stream.
/// </summary>
public sealed partial class ConsoleLogFormatTests
{
    [Fact]
    public async Task On_a_console_lines_are_short_timestamped_and_a_connection_is_one_line_with_its_address()
    {
        await using ServerProcess server = await ServerProcess.StartAsync([]);
        int clientPort;
        using (RawConnection client = await RawConnection.ConnectAsync(server.Port))
        {
            clientPort = ((System.Net.IPEndPoint)client.Socket.LocalEndPoint!).Port;
            await client.SendAsync("HELLO squares/1\n5\nBYE\n");
            await client.ReceiveToEndAsync();
        }

        Assert.Equal(0, await server.StopAsync());
        IReadOnlyList<string> lines = server.RecentLog;
        Assert.All(lines, l => Assert.Matches(ConsoleLine(), l));
        Assert.All(lines.Where(l => !l.Contains(" host[", StringComparison.Ordinal)), l => Assert.True(l.Length <= 110, $"{l.Length} characters: {l}"));
        Assert.DoesNotContain(lines, l => l.Contains("IotSquares.", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(" info: server[101] Listening on 127.0.0.1:", StringComparison.Ordinal));

        string connection = Assert.Single(lines, l => l.Contains(" exchange[", StringComparison.Ordinal));
        Assert.Contains($" info: exchange[407] Connection 1: closed (ClientGoodbye) 127.0.0.1:{clientPort}, 1 square served", connection);
    }

    [Fact]
    public async Task In_the_journal_lines_carry_syslog_priorities_and_no_timestamps_of_our_own()
    {
        await using ServerProcess server = await ServerProcess.StartAsync([], journal: true);
        using (RawConnection client = await RawConnection.ConnectAsync(server.Port))
        {
            await client.SendAsync("XYZZY\n"); // No greeting: ERR 502, a warning, and the connection closes.
            await client.ReceiveToEndAsync();
        }

        Assert.Equal(0, await server.StopAsync());
        IReadOnlyList<string> lines = server.RecentLog;
        Assert.All(lines, l => Assert.Matches(JournalLine(), l));
        Assert.Contains(lines, l => l.StartsWith("<6>server[101] Listening on 127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("<4>exchange[405] Connection 1: closing on error: ERR 502", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("<6>exchange[407] Connection 1: closed (ProtocolError) 127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains("<6>server[105] Stopped", lines);

        // The host's banner is for a terminal: nobody can press Ctrl+C in the journal.
        Assert.DoesNotContain(lines, l => l.Contains("Ctrl+C", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_inherited_JOURNAL_STREAM_that_is_not_our_output_keeps_the_console_format()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(
            [], environment: new Dictionary<string, string> { ["JOURNAL_STREAM"] = "8:1", ["INVOCATION_ID"] = "0123456789abcdef0123456789abcdef" });
        Assert.Equal(0, await server.StopAsync());
        Assert.All(server.RecentLog, l => Assert.Matches(ConsoleLine(), l));
    }

    [Theory]
    [InlineData("8:4242", "socket:[4242]", true)]
    [InlineData("8:4242", "pipe:[4242]", true)]
    [InlineData("8:4242", "socket:[4243]", false)]
    [InlineData("8:4242", "/dev/pts/0", false)]
    [InlineData("", "socket:[4242]", false)]
    [InlineData("garbage", "socket:[4242]", false)]
    public void Journal_detection_compares_JOURNAL_STREAM_with_what_standard_output_is(string variable, string target, bool expected)
    {
        string link = Path.Combine(Path.GetTempPath(), $"pisquare-stdout-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(link, target);
        try
        {
            Assert.Equal(expected, JournalDetection.StandardOutputIsJournal(variable, link));
        }
        finally
        {
            File.Delete(link);
        }
    }

    [Theory]
    [InlineData("IotSquares.Server.Logging.LoggingExchangeObserver", "exchange")]
    [InlineData("IotSquares.Server.Hosting.SquareServerService", "server")]
    [InlineData("IotSquares.Server.Connections.ConnectionTracker", "connections")]
    [InlineData("IotSquares.Server.Systemd.WatchdogKeepAlive", "systemd")]
    [InlineData("IotSquares.Server.Indicators.LedDriver", "indicators")]
    [InlineData("Microsoft.Hosting.Lifetime", "host")]
    [InlineData("Some.Library.Thing", "Thing")]
    public void Categories_are_shortened_to_what_an_operator_calls_them(string category, string expected) =>
        Assert.Equal(expected, LogCategories.Shorten(category));

    [GeneratedRegex(@"^\d\d:\d\d:\d\d\.\d{3} (trce|dbug|info|warn|fail|crit): [a-z]+\[\d+\] \S")]
    private static partial Regex ConsoleLine();

    [GeneratedRegex(@"^<[2-7]>[a-z]+\[\d+\] \S")]
    private static partial Regex JournalLine();
}
