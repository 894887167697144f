using System.CommandLine;
using System.Globalization;
using IotSquares.CommandLine;

namespace IotSquares.Soak.CommandLine;

/// <summary>
/// The soak tool's command line, with the programs' conventions (src/CommandLine): a value not of its
/// option's form or out of its range is one line naming the option and the accepted form, exit 1.
/// </summary>
internal static class SoakCommand
{
    private const string ProgramName = "PiSquareSoak";

    private static readonly SoakSettings Defaults = new();

    /// <summary>Builds the root command; <paramref name="output"/> and <paramref name="error"/> receive what it prints.</summary>
    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var o = new SoakOptions();
        var root = new RootCommand(
            "PiSquareSoak: runs N clients against a PiSquareServer for M minutes and reports squares served, errors, and the server's memory and CPU over time.\n" +
            "Exit codes: 0 clean run, 1 usage, 2 server failed (not found, did not start, died, or did not exit 0 on SIGTERM), 3 failed exchanges, 130 interrupted.")
        {
            o.Clients, o.Minutes, o.Rate, o.SampleSeconds, o.Server, o.Host, o.Port, o.ServerPid, o.Json, o.Markdown, o.ServerLog, o.Seed,
        };
        root.Validators.Add(result =>
        {
            bool external = result.GetResult(o.Port) is { Implicit: false };
            bool Given(Option option) => result.GetResult(option) is { Implicit: false };
            if (external && Given(o.Server))
            {
                result.AddError("--server starts a server; --port soaks one that is already running: give one or the other.");
            }

            if (!external && Given(o.ServerPid))
            {
                result.AddError("--server-pid needs --port: it names a server that is already running.");
            }

            if (!external && Given(o.Host))
            {
                result.AddError("--host needs --port: without them the tool starts its own server on 127.0.0.1.");
            }

            if (external && Given(o.ServerLog))
            {
                result.AddError("--server-log is for a server the tool starts; a running server keeps its own log.");
            }
        });
        root.SetAction((parse, cancellationToken) => new SoakRunner(o.Read(parse), output, error).RunAsync(cancellationToken));
        return root;
    }

    /// <summary>
    /// Parses and runs. On Ctrl+C or SIGTERM the run stops, still stops its server and reports; it
    /// is given time for that before System.CommandLine gives up on it.
    /// </summary>
    public static Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error) =>
        CommandLineRunner.RunAsync(
            Create(output, error),
            ProgramName,
            args,
            new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = TimeSpan.FromSeconds(150) },
            SoakExitCodes.Usage);

    // A number with a fraction allowed, from min to max.
    private static Option<double> Decimal(string name, string[] aliases, double min, double max, double defaultValue, string description) =>
        OptionValues.Custom(
            new Option<double>(name, aliases) { Description = description },
            string.Create(CultureInfo.InvariantCulture, $"a number from {min} to {max}"),
            defaultValue,
            text => double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) && value >= min && value <= max
                ? (true, value)
                : (false, 0));

    /// <summary>The options, and the settings they make.</summary>
    private sealed class SoakOptions
    {
        public Option<int> Clients { get; } = OptionValues.WholeNumber("--clients", ["-c"], 1, 1000, Defaults.Clients, "Client loops running at once (1-1000)");

        public Option<double> Minutes { get; } = Decimal("--minutes", ["-m"], 0.01, SoakSettings.MaxMinutes, Defaults.Duration.TotalMinutes, "How long to run, in minutes (fractions allowed; at most 1440)");

        public Option<double> Rate { get; } = Decimal("--rate", ["-r"], 0, 10_000_000, Defaults.Rate, "Squares per second across all clients; 0 is unthrottled (default 2000)");

        public Option<double> SampleSeconds { get; } = Decimal("--sample-seconds", [], 1, 3600, Defaults.SampleInterval.TotalSeconds, "Seconds between rows of the table (default 10)");

        public Option<string> Server { get; } = OptionValues.Text(
            "--server", [], "the path of PiSquareServer.dll", string.Empty, "PiSquareServer.dll to start (default: the one built beside this tool, or in src/PiSquareServer/bin)");

        public Option<string> Host { get; } = OptionValues.Text("--host", [], "a host name or an IP address", Defaults.Host, "Host of a server that is already running (with --port)");

        public Option<int> Port { get; } = OptionValues.WholeNumber("--port", ["-p"], 1, 65535, 0, "Port of a server that is already running; without it the tool starts its own");

        public Option<int> ServerPid { get; } = OptionValues.WholeNumber("--server-pid", [], 1, int.MaxValue, 0, "Process id of the running server, to sample its memory and CPU (with --port)");

        public Option<string> Json { get; } = OptionValues.Text("--json", [], "a file name", string.Empty, "Write the result as JSON to this file");

        public Option<string> Markdown { get; } = OptionValues.Text("--markdown", [], "a file name", string.Empty, "Write the result as Markdown to this file");

        public Option<string> ServerLog { get; } = OptionValues.Text("--server-log", [], "a file name", string.Empty, "Copy the started server's log to this file");

        public Option<int> Seed { get; } = OptionValues.WholeNumber("--seed", [], int.MinValue, int.MaxValue, Defaults.Seed, "Seed of the workload (which exchanges each client runs; default 1)");

        public SoakSettings Read(ParseResult parse) => new()
        {
            Clients = OptionValues.ValueOf(parse, Clients),
            Duration = TimeSpan.FromMinutes(OptionValues.ValueOf(parse, Minutes)),
            Rate = OptionValues.ValueOf(parse, Rate),
            SampleInterval = TimeSpan.FromSeconds(OptionValues.ValueOf(parse, SampleSeconds)),
            ServerPath = Given(parse, Server),
            Host = OptionValues.ValueOf(parse, Host),
            Port = parse.GetResult(Port) is { Implicit: false } ? parse.GetValue(Port) : null,
            ServerPid = parse.GetResult(ServerPid) is { Implicit: false } ? parse.GetValue(ServerPid) : null,
            JsonPath = Given(parse, Json),
            MarkdownPath = Given(parse, Markdown),
            ServerLogPath = Given(parse, ServerLog),
            Seed = OptionValues.ValueOf(parse, Seed),
        };

        private static string? Given(ParseResult parse, Option<string> option) => parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option) : null;
    }
}
