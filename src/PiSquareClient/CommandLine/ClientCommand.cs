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
        var host = OptionValues.Text("--host", [], "a host name or an IP address", "localhost", "Server host name or address (default localhost)");
        var port = OptionValues.WholeNumber("--port", ["-p"], 1, 65535, ClientOptions.DefaultPort, $"Server TCP port (default {ClientOptions.DefaultPort})");
        var count = OptionValues.WholeNumber("--count", ["-n"], 0L, long.MaxValue, 100L, "How many consecutive integers to square (default 100: the textbook's 0..99)");
        var start = OptionValues.Custom(
            new Option<BigInteger>("--start", "-s") { Description = "The first integer; any size, negatives allowed (default 0)", DefaultValueFactory = _ => BigInteger.Zero },
            "an integer of any size, such as -5 or 123456789012345678901234567890",
            text => BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out BigInteger value) ? (true, value) : (false, BigInteger.Zero));
        var dialect = OptionValues.OneOf(
            "--dialect", ["-d"], ["framed", "textbook", "auto"], "framed", "framed (ours, the default), textbook (the book's), or auto (framed, falling back to textbook)");
        var pipeline = OptionValues.WholeNumber("--pipeline", [], 1, 1_000_000, 1, "Requests in flight at once (framed only; default 1 = lockstep)");
        var connectTimeout = OptionValues.Duration(
            "--connect-timeout", TimeSpan.Zero, false, TimeSpan.FromDays(1), TimeSpan.FromSeconds(5), "Time to wait for the connection (default 5s)");
        var receiveTimeout = OptionValues.Duration(
            "--receive-timeout", TimeSpan.Zero, false, TimeSpan.FromDays(1), TimeSpan.FromSeconds(10), "Time to wait for each reply (default 10s)");
        var retries = OptionValues.WholeNumber(
            "--retries", [], 0, 1000, RetryPolicy.Default.MaxRetries, "Connection attempts in a row without progress after the first, when the server is not there, lost, silent or restarting (default 5; 0 = never retry)");
        var retryDelay = OptionValues.Duration(
            "--retry-delay", TimeSpan.Zero, true, TimeSpan.FromHours(1), RetryPolicy.Default.InitialDelay, "Wait before the first retry; doubles each time, with jitter (default 200ms)");
        var maxRetryDelay = OptionValues.Duration(
            "--max-retry-delay", TimeSpan.Zero, true, TimeSpan.FromHours(1), RetryPolicy.Default.MaxDelay, "Longest wait between retries (default 5s)");
        var spin = OptionValues.WholeNumber(
            "--spin", [], 0, 100_000, 50, "Microseconds to poll for each reply before sleeping on it (lower latency for a little CPU; default 50, 0 = off)");
        var verbose = OptionValues.Flag("--verbose", ["-v"], "Print every square");
        var quiet = OptionValues.Flag("--quiet", ["-q"], "Print only the greeting and the summary");

        var root = new RootCommand(
            "PiSquareClient: sends integers to a PiSquareServer (or the textbook's Python server) and verifies every square.\n" +
            "A lost connection, a silent or a restarting server is retried with backoff; unanswered requests are resent, so every square is verified once, in order.\n" +
            "Durations are written 500ms, 5s, 2m, 1h or hh:mm:ss; a bare number is seconds.\n" +
            "Exit codes: 0 all verified, 1 usage, 2 cannot connect, 3 protocol error, 4 wrong square, 5 timeout, 6 refused by the server, 7 connection lost, 78 invalid hardware settings, 130 interrupted.")
        {
            host, port, count, start, dialect, pipeline, connectTimeout, receiveTimeout, retries, retryDelay, maxRetryDelay, spin, verbose, quiet,
        };

        root.Validators.Add(result =>
        {
            // Only explicit values can conflict: the defaults (lockstep, framed, neither flag) never do. The
            // tokens are read as typed: a value that does not parse has its own error already, and asking
            // System.CommandLine for it here would throw.
            if (LastToken(result.GetResult(pipeline)) is { } window && int.TryParse(window, CultureInfo.InvariantCulture, out int inFlight) && inFlight > 1 &&
                LastToken(result.GetResult(dialect)) is { } chosen && !string.Equals(chosen.Trim(), "framed", StringComparison.OrdinalIgnoreCase))
            {
                result.AddError("--pipeline above 1 needs --dialect framed: the textbook dialect has no delimiters, so it must work in lockstep.");
            }

            if (result.GetResult(verbose) is { Implicit: false } && result.GetResult(quiet) is { Implicit: false })
            {
                result.AddError("--verbose and --quiet exclude each other.");
            }
        });

        HardwareCommandLine hardware = ClientIndicators.AddOptions(root);
        root.SetAction(async (parse, cancellationToken) =>
        {
            var sequence = new RequestSequence(parse.GetValue(start), parse.GetValue(count));
            int digits = Math.Max(ProtocolLimits.DefaultMaxDigits, sequence.MaxDigits());
            var options = new ClientOptions
            {
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                Start = parse.GetValue(start),
                Count = parse.GetValue(count),
                Dialect = ToDialect(parse.GetValue(dialect)),
                Pipeline = parse.GetValue(pipeline),
                ConnectTimeout = parse.GetValue(connectTimeout),
                ReceiveTimeout = parse.GetValue(receiveTimeout),
                Spin = TimeSpan.FromMicroseconds(parse.GetValue(spin)),
                Retry = new RetryPolicy(parse.GetValue(retries), parse.GetValue(retryDelay), parse.GetValue(maxRetryDelay)),
                Limits = new ProtocolLimits { MaxDigits = digits, MaxLineLength = Math.Max(ProtocolLimits.DefaultMaxLineLength, digits + 2) },
            };
            ProgressStyle style = parse.GetValue(verbose) ? ProgressStyle.Each : parse.GetValue(quiet) ? ProgressStyle.Quiet : ProgressStyle.Auto;
            bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            using var reporter = new ConsoleReporter(output, error, style, options.Count, live: terminal);
            await using RunningIndicators? indicators = ClientIndicators.Start(parse, hardware, $"{options.Host}:{options.Port}", error);
            if (indicators is null)
            {
                return ClientExitCodes.Configuration;
            }

            var client = new SquaresClient(options, [reporter, indicators.Observer], (observer, ex, times) =>
                error.WriteLine(times == 1 ? $"PiSquareClient: warning: {observer.GetType().Name} failed: {ex.Message}" : $"PiSquareClient: warning: {observer.GetType().Name} failed {CountText.Format(times)} times in all"));
            ExchangeResult result = await client.RunAsync(cancellationToken);
            reporter.Summary(result);
            return result.ExitCode;
        });
        return root;
    }

    /// <summary>Parses and runs: one line on standard error and exit 1 for a mistake on the command line.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) =>
        CommandLineRunner.RunAsync(Create(output, error), "PiSquareClient", args, new InvocationConfiguration { Output = output, Error = error }, ClientExitCodes.Usage);

    private static string? LastToken(OptionResult? result) => result is { Implicit: false, Tokens.Count: > 0 } ? result.Tokens[^1].Value : null;

    private static DialectChoice ToDialect(string? name) => name switch
    {
        "textbook" => DialectChoice.Textbook,
        "auto" => DialectChoice.Auto,
        _ => DialectChoice.Framed,
    };
}
