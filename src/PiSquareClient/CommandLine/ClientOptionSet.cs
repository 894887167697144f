using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using IotSquares.Client.Exchange;
using IotSquares.Client.Output;
using IotSquares.CommandLine;
using IotSquares.Protocol;

namespace IotSquares.Client.CommandLine;

/// <summary>
/// The client's own options (the hardware ones are <see cref="Indicators.Configuration.HardwareCommandLine"/>),
/// each checked as it is parsed (<see cref="OptionValues"/>), the checks between them, and the
/// <see cref="ClientOptions"/> they make.
/// </summary>
internal sealed class ClientOptionSet
{
    private readonly Option<string> _host = OptionValues.Text("--host", [], "a host name or an IP address", "localhost", "Server host name or address (default localhost)");
    private readonly Option<int> _port = OptionValues.WholeNumber("--port", ["-p"], 1, 65535, ClientOptions.DefaultPort, $"Server TCP port (default {ClientOptions.DefaultPort})");
    private readonly Option<long> _count = OptionValues.WholeNumber("--count", ["-n"], 0L, long.MaxValue, 100L, "How many consecutive integers to square (default 100: the textbook's 0..99)");
    private readonly Option<BigInteger> _start = OptionValues.Custom(
        new Option<BigInteger>("--start", "-s") { Description = "The first integer; any size, negatives allowed (default 0)" },
        "an integer of any size, such as -5 or 123456789012345678901234567890",
        BigInteger.Zero,
        text => BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out BigInteger value) ? (true, value) : (false, BigInteger.Zero));

    private readonly Option<string> _dialect = OptionValues.OneOf(
        "--dialect", ["-d"], ["framed", "textbook", "auto"], "framed", "framed (ours, the default), textbook (the book's), or auto (framed, falling back to textbook)");

    private readonly Option<int> _pipeline = OptionValues.WholeNumber("--pipeline", [], 1, 1_000_000, 1, "Requests in flight at once (framed only; default 1 = lockstep)");
    private readonly Option<TimeSpan> _connectTimeout = OptionValues.Duration(
        "--connect-timeout", TimeSpan.Zero, false, TimeSpan.FromDays(1), TimeSpan.FromSeconds(5), "Time to wait for the connection (default 5s)");

    private readonly Option<TimeSpan> _receiveTimeout = OptionValues.Duration(
        "--receive-timeout", TimeSpan.Zero, false, TimeSpan.FromDays(1), TimeSpan.FromSeconds(10), "Time to wait for each reply (default 10s)");

    private readonly Option<int> _retries = OptionValues.WholeNumber(
        "--retries", [], 0, 1000, RetryPolicy.Default.MaxRetries, "Connection attempts in a row without progress after the first, when the server is not there, lost, silent or restarting (default 5; 0 = never retry)");

    private readonly Option<TimeSpan> _retryDelay = OptionValues.Duration(
        "--retry-delay", TimeSpan.Zero, true, TimeSpan.FromHours(1), RetryPolicy.Default.InitialDelay, "Wait before the first retry; doubles each time, with jitter (default 200ms)");

    private readonly Option<TimeSpan> _maxRetryDelay = OptionValues.Duration(
        "--max-retry-delay", TimeSpan.Zero, true, TimeSpan.FromHours(1), RetryPolicy.Default.MaxDelay, "Longest wait between retries (default 5s)");

    private readonly Option<TimeSpan> _spin = OptionValues.Microseconds(
        "--spin", TimeSpan.FromMilliseconds(100), TimeSpan.FromMicroseconds(50), "Time to poll for each reply before sleeping on it, in microseconds or with a unit (lower latency for a little CPU; default 50us, 0 = off)");
    private readonly Option<bool> _verbose = OptionValues.Flag("--verbose", ["-v"], "Print every square");
    private readonly Option<bool> _quiet = OptionValues.Flag("--quiet", ["-q"], "Print only the greeting and the summary");

    /// <summary>Adds the options and the checks between them to <paramref name="root"/>.</summary>
    public void AddTo(RootCommand root)
    {
        foreach (Option option in new Option[] { _host, _port, _count, _start, _dialect, _pipeline, _connectTimeout, _receiveTimeout, _retries, _retryDelay, _maxRetryDelay, _spin, _verbose, _quiet })
        {
            root.Options.Add(option);
        }

        root.Validators.Add(Validate);
    }

    /// <summary>The client's settings from a valid command line.</summary>
    public ClientOptions Read(ParseResult parse)
    {
        var sequence = new RequestSequence(OptionValues.ValueOf(parse, _start), OptionValues.ValueOf(parse, _count));
        int digits = Math.Max(ProtocolLimits.DefaultMaxDigits, sequence.MaxDigits());
        return new ClientOptions
        {
            Host = OptionValues.ValueOf(parse, _host)!,
            Port = OptionValues.ValueOf(parse, _port),
            Start = OptionValues.ValueOf(parse, _start),
            Count = OptionValues.ValueOf(parse, _count),
            Dialect = OptionValues.ValueOf(parse, _dialect) switch
            {
                "textbook" => DialectChoice.Textbook,
                "auto" => DialectChoice.Auto,
                _ => DialectChoice.Framed,
            },
            Pipeline = OptionValues.ValueOf(parse, _pipeline),
            ConnectTimeout = OptionValues.ValueOf(parse, _connectTimeout),
            ReceiveTimeout = OptionValues.ValueOf(parse, _receiveTimeout),
            Spin = OptionValues.ValueOf(parse, _spin),
            Retry = new RetryPolicy(OptionValues.ValueOf(parse, _retries), OptionValues.ValueOf(parse, _retryDelay), OptionValues.ValueOf(parse, _maxRetryDelay)),
            Limits = new ProtocolLimits { MaxDigits = digits, MaxLineLength = Math.Max(ProtocolLimits.DefaultMaxLineLength, digits + 2) },
        };
    }

    /// <summary>How much to print: every square, the greeting and summary only, or by the run's length.</summary>
    public ProgressStyle Style(ParseResult parse) =>
        parse.GetValue(_verbose) ? ProgressStyle.Each : parse.GetValue(_quiet) ? ProgressStyle.Quiet : ProgressStyle.Auto;

    private static string? LastToken(OptionResult? result) => result is { Implicit: false, Tokens.Count: > 0 } ? result.Tokens[^1].Value : null;

    // Only explicit values can conflict: the defaults (lockstep, framed, neither flag) never do. The tokens
    // are read as typed: a value that does not parse has its own error already, and asking System.CommandLine
    // for it here would throw.
    private void Validate(CommandResult result)
    {
        if (LastToken(result.GetResult(_pipeline)) is { } window && int.TryParse(window, CultureInfo.InvariantCulture, out int inFlight) && inFlight > 1 &&
            LastToken(result.GetResult(_dialect)) is { } chosen && !string.Equals(chosen.Trim(), "framed", StringComparison.OrdinalIgnoreCase))
        {
            result.AddError("--pipeline above 1 needs --dialect framed: the textbook dialect has no delimiters, so it must work in lockstep.");
        }

        if (result.GetResult(_verbose) is { Implicit: false } && result.GetResult(_quiet) is { Implicit: false })
        {
            result.AddError("--verbose and --quiet exclude each other.");
        }
    }
}
