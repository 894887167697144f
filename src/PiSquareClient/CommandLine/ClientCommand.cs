using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using IotSquares.Client.Exchange;
using IotSquares.Client.Output;
using IotSquares.Protocol;

namespace IotSquares.Client.CommandLine;

/// <summary>The client's command line.</summary>
public static class ClientCommand
{
    /// <summary>Builds the root command; <paramref name="output"/> and <paramref name="error"/> receive what it prints.</summary>
    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var host = new Option<string>("--host") { Description = "Server host name or address", DefaultValueFactory = _ => "localhost" };
        var port = new Option<int>("--port", "-p") { Description = "Server TCP port", DefaultValueFactory = _ => ClientOptions.DefaultPort };
        var count = new Option<long>("--count", "-n") { Description = "How many consecutive integers to square (the textbook's 0..99 is 100)", DefaultValueFactory = _ => 100 };
        var start = new Option<BigInteger>("--start", "-s")
        {
            Description = "The first integer; any size, negatives allowed",
            DefaultValueFactory = _ => BigInteger.Zero,
            CustomParser = ParseBigInteger,
        };
        var dialect = new Option<DialectChoice>("--dialect", "-d")
        {
            Description = "framed (ours), textbook (the book's), or auto (framed, falling back to textbook)",
            DefaultValueFactory = _ => DialectChoice.Framed,
        };
        var pipeline = new Option<int>("--pipeline") { Description = "Requests in flight at once (framed only); 1 is lockstep", DefaultValueFactory = _ => 1 };
        var connectTimeout = new Option<double>("--connect-timeout") { Description = "Seconds to wait for the connection", DefaultValueFactory = _ => 5 };
        var receiveTimeout = new Option<double>("--receive-timeout") { Description = "Seconds to wait for each reply", DefaultValueFactory = _ => 10 };
        var retries = new Option<int>("--retries") { Description = "Reconnects allowed in a row without progress after a lost connection, a silent or a restarting server; 0 never reconnects", DefaultValueFactory = _ => RetryPolicy.Default.MaxRetries };
        var retryDelay = new Option<double>("--retry-delay") { Description = "Seconds before the first reconnect; doubles each time, with jitter", DefaultValueFactory = _ => RetryPolicy.Default.InitialDelay.TotalSeconds };
        var maxRetryDelay = new Option<double>("--max-retry-delay") { Description = "Longest wait between reconnects, in seconds", DefaultValueFactory = _ => RetryPolicy.Default.MaxDelay.TotalSeconds };
        var spin = new Option<int>("--spin") { Description = "Microseconds to poll for each reply before sleeping on it (lower latency for a little CPU); 0 = off", DefaultValueFactory = _ => 50 };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print every square" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the greeting and the summary" };

        var root = new RootCommand(
            "PiSquareClient: sends integers to a PiSquareServer (or the textbook's Python server) and verifies every square.\n" +
            "A lost connection, a silent or a restarting server is retried with backoff; unanswered requests are resent, so every square is verified once, in order.\n" +
            "Exit codes: 0 all verified, 1 usage, 2 cannot connect, 3 protocol error, 4 wrong square, 5 timeout, 6 refused by the server, 7 connection lost, 130 interrupted.")
        {
            host, port, count, start, dialect, pipeline, connectTimeout, receiveTimeout, retries, retryDelay, maxRetryDelay, spin, verbose, quiet,
        };

        Require(port, value => value is >= 1 and <= 65535, "--port must be 1-65535.");
        Require(count, value => value >= 0, "--count must not be negative.");
        Require(pipeline, value => value is >= 1 and <= 1_000_000, "--pipeline must be 1-1000000.");
        Require(connectTimeout, value => value is > 0 and <= 86400, "--connect-timeout must be more than 0 and at most 86400 seconds.");
        Require(spin, value => value is >= 0 and <= 100_000, "--spin must be 0-100000 microseconds.");
        Require(retries, value => value is >= 0 and <= 1000, "--retries must be 0-1000.");
        Require(retryDelay, value => value is >= 0 and <= 3600, "--retry-delay must be 0-3600 seconds.");
        Require(maxRetryDelay, value => value is >= 0 and <= 3600, "--max-retry-delay must be 0-3600 seconds.");
        Require(receiveTimeout, value => value is > 0 and <= 86400, "--receive-timeout must be more than 0 and at most 86400 seconds.");
        root.Validators.Add(result =>
        {
            // Only explicit values can conflict: the defaults (lockstep, framed, neither flag) never do.
            if (result.GetResult(pipeline) is { Implicit: false } window && !window.Errors.Any() && window.GetValueOrDefault<int>() > 1 &&
                result.GetResult(dialect) is { Implicit: false } chosen && !chosen.Errors.Any() && chosen.GetValueOrDefault<DialectChoice>() != DialectChoice.Framed)
            {
                result.AddError("--pipeline above 1 needs --dialect framed: the textbook dialect has no delimiters, so it must work in lockstep.");
            }

            if (result.GetResult(verbose) is { Implicit: false } && result.GetResult(quiet) is { Implicit: false })
            {
                result.AddError("--verbose and --quiet exclude each other.");
            }
        });

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
                Dialect = parse.GetValue(dialect),
                Pipeline = parse.GetValue(pipeline),
                ConnectTimeout = TimeSpan.FromSeconds(parse.GetValue(connectTimeout)),
                ReceiveTimeout = TimeSpan.FromSeconds(parse.GetValue(receiveTimeout)),
                Spin = TimeSpan.FromMicroseconds(parse.GetValue(spin)),
                Retry = new RetryPolicy(parse.GetValue(retries), TimeSpan.FromSeconds(parse.GetValue(retryDelay)), TimeSpan.FromSeconds(parse.GetValue(maxRetryDelay))),
                Limits = new ProtocolLimits { MaxDigits = digits, MaxLineLength = Math.Max(ProtocolLimits.DefaultMaxLineLength, digits + 2) },
            };
            ProgressStyle style = parse.GetValue(verbose) ? ProgressStyle.Each : parse.GetValue(quiet) ? ProgressStyle.Quiet : ProgressStyle.Auto;
            var reporter = new ConsoleReporter(output, error, style, options.Count);
            var client = new SquaresClient(options, [reporter], (observer, ex, times) =>
                error.WriteLine(times == 1 ? $"PiSquareClient: warning: {observer.GetType().Name} failed: {ex.Message}" : $"PiSquareClient: warning: {observer.GetType().Name} failed {times} times in all"));
            ExchangeResult result = await client.RunAsync(cancellationToken);
            reporter.Summary(result);
            return result.ExitCode;
        });
        return root;
    }

    // Checks an option's value only when the option was given and parsed; its own errors come first.
    private static void Require<T>(Option<T> option, Func<T, bool> isValid, string message) =>
        option.Validators.Add(result =>
        {
            if (!result.Errors.Any() && result.Tokens.Count == 1 && !isValid(result.GetValueOrDefault<T>()))
            {
                result.AddError(message);
            }
        });

    private static BigInteger ParseBigInteger(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "0";
        if (BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out BigInteger value))
        {
            return value;
        }

        result.AddError($"'{text}' is not an integer.");
        return BigInteger.Zero;
    }
}
