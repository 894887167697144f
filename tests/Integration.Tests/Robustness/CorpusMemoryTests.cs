using System.Diagnostics;
using IotSquares.Integration.Tests.Support;
using Xunit.Abstractions;

namespace IotSquares.Integration.Tests.Robustness;

/// <summary>
/// The whole corpus against one server process, with its resident memory and open sockets read from
/// /proc before and after: they must come back to where they were. Writes the corpus report.
/// </summary>
public sealed class CorpusMemoryTests(ITestOutputHelper output)
{
    // How much resident memory may grow over the corpus (10,000 connections and about 5 MB of hostile
    // bytes), measured once every connection is closed. Memory per connection is bounded by design (a
    // line is at most 8 KiB before 501; 4 KiB pooled buffers; at most 16 connections at once), so what
    // grows is the runtime's: code jitted for paths first taken here, a few more thread-pool threads,
    // the buffer pools, and a gen-0 budget that workstation GC lets grow before it collects. Measured on
    // the 2-core CI machine: +25 MiB, levelling off at +33 MiB over 60,000 cycles. The bound is that
    // plateau plus 15 MiB. A server that buffered the 1 MB lines (several MB a case) or kept state per
    // closed connection (10,000 at 10 KB is 100 MB) is far above it.
    public const long RssGrowthBoundKiB = 48 * 1024;

    [Fact]
    public async Task The_real_server_survives_the_whole_corpus_and_its_memory_and_sockets_come_back()
    {
        var clock = Stopwatch.StartNew();
        await using var fixture = new CorpusServer();
        await fixture.InitializeAsync();
        ServerProcess server = fixture.Server;
        Assert.True(await CorpusRunner.WaitUntilIdleAsync(server), "the server did not settle after the warm-up");
        ProcessSample before = server.Sample();

        var results = new List<CaseResult>();
        CorpusCase[] cases = [.. Corpus.All()];

        // Slow clients take seconds each: they run side by side; everything else in turn.
        CorpusCase[] slow = [.. cases.Where(c => c.Name.StartsWith("slowloris", StringComparison.Ordinal))];
        foreach (CorpusCase corpusCase in cases.Except(slow))
        {
            results.Add(await CorpusRunner.RunCaseAsync(server, corpusCase, busyMayLinger: corpusCase.Name.StartsWith("more connections", StringComparison.Ordinal)));
        }

        results.AddRange(await Task.WhenAll(slow.Select(c => CorpusRunner.RunCaseAsync(server, c))));
        ProcessSample afterCases = server.Sample();
        bool idle = await CorpusRunner.WaitUntilIdleAsync(server);
        ProcessSample settled = server.Sample();
        Assert.Null(await CorpusRunner.ServeNormallyAsync(server));

        int exitCode = await server.StopAsync();
        string report = CorpusReport.Build(
            results,
            [("before the corpus", before), ("right after the last case", afterCases), ("once every connection was closed", settled)],
            server.EventCounts,
            exitCode,
            clock.Elapsed);
        output.WriteLine(report);
        output.WriteLine("Report written to " + CorpusReport.Write(report));

        Assert.All(results, r => Assert.True(r.Passed, $"{r.Name}: {r.Problem}"));
        Assert.Equal(0, server.Errors);
        Assert.Equal(0, exitCode);
        Assert.True(idle, $"the server still holds {settled.Sockets} sockets after the corpus, {server.SocketsWhenReady} when it started: connections were left open");
        Assert.True(
            settled.RssKiB <= before.RssKiB + RssGrowthBoundKiB,
            $"resident memory grew from {before.RssKiB / 1024} MiB to {settled.RssKiB / 1024} MiB over the corpus (bound: +{RssGrowthBoundKiB / 1024} MiB)");
    }
}
