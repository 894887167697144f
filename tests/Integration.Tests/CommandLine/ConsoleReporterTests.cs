using IotSquares.Client.Exchange;
using IotSquares.Client.Output;
using IotSquares.Protocol;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;
using Microsoft.Extensions.Time.Testing;

namespace IotSquares.Integration.Tests.CommandLine;

/// <summary>What the client prints: progress on a time basis, one number style, human durations, truthful connection counts.</summary>
public sealed class ConsoleReporterTests
{
    private static readonly ConnectionInfo Connection = new(1, "127.0.0.1:50007");

    private long _served;

    [Fact]
    public void A_batch_counts_every_square_it_stands_for_and_a_new_connection_starts_its_count_again()
    {
        var time = new FakeTimeProvider();
        var output = new StringWriter();
        using var reporter = new ConsoleReporter(output, TextWriter.Null, ProgressStyle.Auto, total: 1_000_000, live: false, time);

        // Two batches on the first connection (600 squares), then a reconnect and one batch of 400.
        reporter.SquareServed(Connection, ProtocolInteger.FromInt64(99), ProtocolInteger.FromInt64(9_801), 100);
        reporter.SquareServed(Connection, ProtocolInteger.FromInt64(599), ProtocolInteger.FromInt64(358_801), 600);
        var second = new ConnectionInfo(2, "127.0.0.1:50007");
        reporter.ConnectionOpened(second);
        reporter.SquareServed(second, ProtocolInteger.FromInt64(999), ProtocolInteger.FromInt64(998_001), 400);
        time.Advance(ConsoleReporter.LogInterval);

        Assert.StartsWith("  1,000 of 1,000,000 squares verified", Lines(output)[^1]);
    }

    [Fact]
    public void Without_a_terminal_a_long_run_prints_a_progress_line_every_few_seconds_not_per_count_of_squares()
    {
        var time = new FakeTimeProvider();
        var output = new StringWriter();
        using var reporter = new ConsoleReporter(output, TextWriter.Null, ProgressStyle.Auto, total: 1_000_000, live: false, time);

        Square(reporter, 1_000);
        time.Advance(ConsoleReporter.LogInterval - TimeSpan.FromMilliseconds(1));
        Assert.Empty(output.ToString());

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("  1,000 of 1,000,000 squares verified (0%), 200 squares/s, about 1 h 23 min left\n", output.ToString());

        // Nothing new verified: no new line.
        time.Advance(ConsoleReporter.LogInterval);
        Assert.Single(Lines(output));

        Square(reporter, 499_000);
        time.Advance(ConsoleReporter.LogInterval);
        Assert.Equal("  500,000 of 1,000,000 squares verified (50%), 33,333 squares/s, about 15 s left", Lines(output)[^1]);
    }

    [Fact]
    public void On_a_terminal_the_progress_line_is_redrawn_in_place_and_cleared_before_other_lines()
    {
        var time = new FakeTimeProvider();
        var output = new StringWriter();
        using var reporter = new ConsoleReporter(output, output, ProgressStyle.Auto, total: 1_000, live: true, time);

        Square(reporter, 10);
        time.Advance(ConsoleReporter.LiveInterval);
        string line = "  10 of 1,000 squares verified (1%), 40 squares/s, about 25 s left";
        Assert.Equal(line, output.ToString());

        reporter.Summary(new ExchangeResult(0, Dialect.Framed, null, 1_000, 1_000, 0, TimeSpan.FromMilliseconds(1_234), 1_000, null) { Connections = 1, Attempts = 1 });
        string clear = "\r" + new string(' ', line.Length) + "\r";
        Assert.Equal(line + clear + "Summary: OK: 1,000 of 1,000 squares verified, 0 errors, 0 reconnects, 1.2 s, 810 squares/s\n", output.ToString());
    }

    [Fact]
    public void A_client_that_never_connected_says_so_instead_of_counting_reconnects()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var reporter = new ConsoleReporter(output, error, ProgressStyle.Quiet, total: 100);

        reporter.Reconnecting("cannot connect to localhost:50007 (Connection refused)", TimeSpan.FromMilliseconds(150), 1, 5, 100);
        reporter.Summary(new ExchangeResult(2, Dialect.Unknown, null, 100, 0, 0, TimeSpan.FromSeconds(636), null, "cannot connect") { Attempts = 6 });

        Assert.Equal("  cannot connect to localhost:50007 (Connection refused); trying again in 150 ms (retry 1 of 5)\nPiSquareClient: cannot connect\n", error.ToString());
        Assert.Equal("Summary: FAILED (exit code 2): 0 of 100 squares verified, 0 errors, never connected (6 attempts), 10 min 36 s, 0 squares/s\n", output.ToString());
    }

    [Fact]
    public void After_a_connection_a_lost_one_is_a_reconnect()
    {
        var error = new StringWriter();
        using var reporter = new ConsoleReporter(TextWriter.Null, error, ProgressStyle.Quiet, total: 100_000);

        reporter.ConnectionOpened(Connection);
        reporter.Reconnecting("connection lost", TimeSpan.FromSeconds(1.5), 2, 5, 99_000);

        Assert.Equal("  connection lost; reconnecting in 1.5 s (retry 2 of 5), 99,000 requests still to send\n", error.ToString());
    }

    // Events count per connection; the reporter counts the run. Each call is one more square.
    // Reports squares one at a time on the one connection, its count going on from the last call.
    private void Square(ConsoleReporter reporter, long squares)
    {
        for (long i = 0; i < squares; i++)
        {
            ProtocolInteger value = ProtocolInteger.FromInt64(++_served);
            reporter.SquareServed(Connection, value, value.Square(), _served);
        }
    }

    private static string[] Lines(StringWriter output) => output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
