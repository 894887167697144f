using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using IotSquares.Client.Exchange;
using IotSquares.Client.Output;
using IotSquares.CommandLine;
using IotSquares.Indicators.Configuration;
using IotSquares.Protocol;

namespace IotSquares.Client.CommandLine;

/// <summary>The client's command line.</summary>
public static class ClientCommand
{
    /// <summary>Builds the root command; <paramref name="output"/> and <paramref name="error"/> receive what it prints.</summary>
    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var options = new ClientOptionSet();
        var root = new RootCommand(
            "PiSquareClient: sends integers to a PiSquareServer (or the textbook's Python server) and verifies every square.\n" +
            "A lost connection, a silent or a restarting server is retried with backoff; unanswered requests are resent, so every square is verified once, in order.\n" +
            "Durations are written 500ms, 5s, 2m, 1h or hh:mm:ss; a bare number is seconds.\n" +
            "Exit codes: 0 all verified, 1 usage, 2 cannot connect, 3 protocol error, 4 wrong square, 5 timeout, 6 refused by the server, 7 connection lost, 78 invalid hardware settings, 130 interrupted.");
        options.AddTo(root);
        HardwareCommandLine hardware = ClientIndicators.AddOptions(root);
        root.SetAction((parse, cancellationToken) => RunAsync(parse, options, hardware, output, error, cancellationToken));
        return root;
    }

    /// <summary>Parses and runs: one line on standard error and exit 1 for a mistake on the command line.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) =>
        CommandLineRunner.RunAsync(Create(output, error), "PiSquareClient", args, new InvocationConfiguration { Output = output, Error = error }, ClientExitCodes.Usage);

    // One run from a valid command line: the indicators, the exchange, the summary.
    private static async Task<int> RunAsync(
        ParseResult parse, ClientOptionSet definition, HardwareCommandLine hardware, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ClientOptions options = definition.Read(parse);
        ProgressStyle style = definition.Style(parse);
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        using var reporter = new ConsoleReporter(output, error, style, options.Count, live: terminal);
        options = options with { ReportEachSquare = reporter.PrintsEachSquare };
        await using RunningIndicators? indicators = ClientIndicators.Start(parse, hardware, $"{options.Host}:{options.Port}", error);
        if (indicators is null)
        {
            return ClientExitCodes.Configuration;
        }

        var client = new SquaresClient(options, [reporter, indicators.Observer], (observer, ex, times) =>
            error.WriteLine(times == 1
                ? $"PiSquareClient: warning: {observer.GetType().Name} failed: {ex.Message}"
                : $"PiSquareClient: warning: {observer.GetType().Name} failed {CountText.Format(times)} times in all"));
        ExchangeResult result = await client.RunAsync(cancellationToken);
        reporter.Summary(result);
        return result.ExitCode;
    }
}
