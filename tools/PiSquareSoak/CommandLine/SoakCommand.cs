using System.CommandLine;

namespace IotSquares.Soak.CommandLine;

/// <summary>The soak tool's command line.</summary>
internal static class SoakCommand
{
    /// <summary>Builds the root command; <paramref name="output"/> and <paramref name="error"/> receive what it prints.</summary>
    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var clients = new Option<int>("--clients", "-c") { Description = "Client loops running at once", DefaultValueFactory = _ => 16 };
        var minutes = new Option<double>("--minutes", "-m") { Description = "How long to run, in minutes (fractions allowed; at most 1440)", DefaultValueFactory = _ => 1 };
        var rate = new Option<double>("--rate", "-r") { Description = "Squares per second across all clients; 0 is unthrottled", DefaultValueFactory = _ => 2000 };
        var sampleSeconds = new Option<double>("--sample-seconds") { Description = "Seconds between rows of the table", DefaultValueFactory = _ => 10 };
        var server = new Option<string>("--server") { Description = "PiSquareServer.dll to start (default: the one built beside this tool, or in src/PiSquareServer/bin)" };
        var host = new Option<string>("--host") { Description = "Host of a server that is already running (with --port)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port", "-p") { Description = "Port of a server that is already running; without it the tool starts its own" };
        var serverPid = new Option<int>("--server-pid") { Description = "Process id of the running server, to sample its memory and CPU (with --port)" };
        var json = new Option<string>("--json") { Description = "Write the result as JSON to this file" };
        var markdown = new Option<string>("--markdown") { Description = "Write the result as Markdown to this file" };
        var serverLog = new Option<string>("--server-log") { Description = "Copy the started server's log to this file" };
        var seed = new Option<int>("--seed") { Description = "Seed of the workload (which exchanges each client runs)", DefaultValueFactory = _ => 1 };

        var root = new RootCommand(
            "PiSquareSoak: runs N clients against a PiSquareServer for M minutes and reports squares served, errors, and the server's memory and CPU over time.\n" +
            "Exit codes: 0 clean run, 1 usage, 2 server failed (not found, did not start, died, or did not exit 0 on SIGTERM), 3 failed exchanges, 130 interrupted.")
        {
            clients, minutes, rate, sampleSeconds, server, host, port, serverPid, json, markdown, serverLog, seed,
        };

        Require(clients, value => value is >= 1 and <= 1000, "--clients must be 1-1000.");
        Require(minutes, value => value > 0 && value <= SoakSettings.MaxMinutes, "--minutes must be more than 0 and at most 1440 (24 hours).");
        Require(rate, value => value is >= 0 and <= 10_000_000, "--rate must be 0 (unthrottled) to 10000000.");
        Require(sampleSeconds, value => value is >= 1 and <= 3600, "--sample-seconds must be 1-3600.");
        Require(port, value => value is >= 1 and <= 65535, "--port must be 1-65535.");
        Require(serverPid, value => value >= 1, "--server-pid must be a process id.");
        root.Validators.Add(result =>
        {
            bool external = result.GetResult(port) is { Implicit: false };
            if (external && result.GetResult(server) is { Implicit: false })
            {
                result.AddError("--server starts a server; --port soaks one that is already running: give one or the other.");
            }

            if (!external && result.GetResult(serverPid) is { Implicit: false })
            {
                result.AddError("--server-pid needs --port: it names a server that is already running.");
            }

            if (!external && result.GetResult(host) is { Implicit: false })
            {
                result.AddError("--host needs --port: without them the tool starts its own server on 127.0.0.1.");
            }

            if (external && result.GetResult(serverLog) is { Implicit: false })
            {
                result.AddError("--server-log is for a server the tool starts; a running server keeps its own log.");
            }
        });

        root.SetAction(async (parse, cancellationToken) =>
        {
            bool external = parse.GetResult(port) is { Implicit: false };
            var settings = new SoakSettings
            {
                Clients = parse.GetValue(clients),
                Duration = TimeSpan.FromMinutes(parse.GetValue(minutes)),
                Rate = parse.GetValue(rate),
                SampleInterval = TimeSpan.FromSeconds(parse.GetValue(sampleSeconds)),
                ServerPath = parse.GetValue(server),
                Host = parse.GetValue(host)!,
                Port = external ? parse.GetValue(port) : null,
                ServerPid = parse.GetResult(serverPid) is { Implicit: false } ? parse.GetValue(serverPid) : null,
                JsonPath = parse.GetValue(json),
                MarkdownPath = parse.GetValue(markdown),
                ServerLogPath = parse.GetValue(serverLog),
                Seed = parse.GetValue(seed),
            };
            return await new SoakRunner(settings, output, error).RunAsync(cancellationToken);
        });
        return root;
    }

    /// <summary>
    /// Parses and runs. On Ctrl+C or SIGTERM the run stops, still stops its server and reports; it
    /// is given time for that before System.CommandLine gives up on it.
    /// </summary>
    public static Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error) =>
        Create(output, error).Parse(args).InvokeAsync(new InvocationConfiguration
        {
            Output = output,
            Error = error,
            ProcessTerminationTimeout = TimeSpan.FromSeconds(150),
        });

    // Checks an option's value only when the option was given and parsed; its own errors come first.
    private static void Require<T>(Option<T> option, Func<T, bool> isValid, string message) =>
        option.Validators.Add(result =>
        {
            if (!result.Errors.Any() && result.Tokens.Count == 1 && !isValid(result.GetValueOrDefault<T>()))
            {
                result.AddError(message);
            }
        });
}
