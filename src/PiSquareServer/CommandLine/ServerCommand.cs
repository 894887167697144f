using System.CommandLine;
using System.Globalization;
using IotSquares.CommandLine;
using IotSquares.Indicators.Configuration;
using IotSquares.Server.Diagnostics;
using IotSquares.Server.Hosting;
using IotSquares.Server.Options;

namespace IotSquares.Server.CommandLine;

/// <summary>
/// The server's command line. Each option maps to one configuration key and is applied only when
/// given, so appsettings.json and environment variables keep their say otherwise. A value that is
/// not of the option's form (not a number, not a duration, an unknown level) is a usage error (64);
/// a value of the right form that the settings cannot take (a port of 70000) is an invalid
/// configuration (78), reported with every other reason by <see cref="ServerOptionsValidator"/>.
/// </summary>
public static class ServerCommand
{
    /// <summary>The program's name, as it prefixes every message.</summary>
    public const string ProgramName = "PiSquareServer";

    /// <summary>The log levels <c>--log-level</c> takes.</summary>
    private static readonly string[] LogLevels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical", "None"];

    /// <summary>Builds the root command.</summary>
    public static RootCommand Create(TextWriter error)
    {
        var mapped = new List<MappedOption>();
        T Map<T>(T option, string key, Func<ParseResult, string>? value = null)
            where T : Option
        {
            mapped.Add(new MappedOption(option, key, value));
            return option;
        }

        Option<int> Number(string name, string property, string description) =>
            Map(OptionValues.WholeNumber(name, [], 0, int.MaxValue, 0, description), Key(property));

        Option<TimeSpan> Duration(string name, string property, string description) =>
            Map(OptionValues.Duration(name, TimeSpan.Zero, true, TimeSpan.FromDays(3650), TimeSpan.Zero, description), Key(property));

        var root = new RootCommand(
            "PiSquareServer: squares integers for clients on the network, in the textbook's dialect or the framed one.\n" +
            "Settings come from appsettings.json beside the binary, then PISQUARE_Server__<Name> environment variables, then these options.\n" +
            "Durations are written 500ms, 5s, 2m, 1h or hh:mm:ss; a bare number is seconds.\n" +
            "Exit codes: 0 stopped, 64 bad command line, 69 cannot listen (port in use, address not here), 78 invalid configuration.")
        {
            Number("--port", nameof(ServerOptions.Port), $"TCP port to listen on (default {ServerOptions.DefaultPort}; 0 picks a free one)"),
            Map(OptionValues.Text("--bind", [], "'*', an IP address or a host name", "*", "Address to listen on: * for all interfaces (IPv4 and IPv6, the default), an IP address, or a host name"), Key(nameof(ServerOptions.Bind))),
            Number("--max-connections", nameof(ServerOptions.MaxConnections), "Most clients served at once (default 1024)"),
            Number("--max-connections-per-address", nameof(ServerOptions.MaxConnectionsPerAddress), "Most clients from one remote address at once (default 64; 0 = no limit)"),
            Duration("--handshake-timeout", nameof(ServerOptions.HandshakeTimeout), "Time a new client has to send its whole greeting (default 10s)"),
            Duration("--idle-timeout", nameof(ServerOptions.IdleTimeout), "Time a client may take to complete each request (default 5m)"),
            Duration("--shutdown-timeout", nameof(ServerOptions.ShutdownTimeout), "Time allowed for answers and goodbyes when stopping (default 5s)"),
            Spin(Map),
            Number("--read-buffer-size", nameof(ServerOptions.ReadBufferSize), "Bytes taken from a socket per read (default 65536)"),
            Number("--max-digits", nameof(ServerOptions.MaxDigits), "Most digits in a request (default 4096)"),
            Number("--max-line-length", nameof(ServerOptions.MaxLineLength), "Most bytes in a request line (default 8192)"),
            Map(OptionValues.OneOf("--log-level", [], LogLevels, "Information", "Trace, Debug, Information (default), Warning, Error, Critical or None; Debug logs each batch of replies"), "Logging:LogLevel:Default"),
        };

        // For the benchmark only: a deliberately slow observer behind the queue adapter (milliseconds per call).
        Option<int> slowObserver = Map(
            OptionValues.WholeNumber("--diagnostics-slow-observer", [], 0, 1000, 0, "Milliseconds per call of a deliberately slow observer (benchmark only)"),
            DiagnosticsRegistration.SlowObserverKey);
        slowObserver.Hidden = true;
        root.Options.Add(slowObserver);

        var hardware = new HardwareCommandLine();
        hardware.AddTo(root);
        root.SetAction((parse, _) => new ServerRun(ProgramName, error,
            [.. Overrides(parse, mapped), .. hardware.Overrides(parse).Select(h => new Setting(h.Key, h.Option, h.Value))]).RunAsync());
        return root;
    }

    /// <summary>Parses and runs, leaving SIGINT/SIGTERM to the host so that shutdown stays graceful.</summary>
    public static Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error) =>
        CommandLineRunner.RunAsync(
            Create(error), ProgramName, args, new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null }, ServerExitCodes.Usage);

    private static string Key(string property) => ServerOptions.SectionName + ":" + property;

    // --spin 50, 50us or 0.05ms: the setting is SpinMicroseconds, so the override is the parsed time in microseconds. Its
    // range is the settings' (0-100000, exit 78); here only the form, and what an int of microseconds holds.
    private static Option<TimeSpan> Spin(Func<Option<TimeSpan>, string, Func<ParseResult, string>?, Option<TimeSpan>> map)
    {
        Option<TimeSpan> spin = OptionValues.Microseconds(
            "--spin",
            TimeSpan.FromMicroseconds(int.MaxValue),
            TimeSpan.FromMicroseconds(ServerOptions.DefaultSpinMicroseconds),
            "Time to poll for a client's next request after a reply, in microseconds or with a unit (lower lockstep latency for a little CPU; default 50us, 0 = off)");
        return map(spin, Key(nameof(ServerOptions.SpinMicroseconds)), parse =>
            ((long)parse.GetValue(spin).TotalMicroseconds).ToString(CultureInfo.InvariantCulture));
    }

    private static List<Setting> Overrides(ParseResult parse, List<MappedOption> mapped)
    {
        var overrides = new List<Setting>();
        foreach ((Option option, string key, Func<ParseResult, string>? convert) in mapped)
        {
            if (parse.GetResult(option) is { Implicit: false, Tokens.Count: > 0 } result)
            {
                // The log level in its canonical spelling; everything else exactly as typed, read by the options reader.
                string value = convert?.Invoke(parse)
                    ?? (option.ValueType == typeof(string) && key.StartsWith("Logging:", StringComparison.Ordinal)
                        ? parse.GetValue((Option<string>)option)!
                        : result.Tokens[^1].Value);
                overrides.Add(new Setting(key, option.Name, value));
            }
        }

        return overrides;
    }

    // An option, the setting it overrides, and how its value is written there when not as typed.
    private sealed record MappedOption(Option Option, string Key, Func<ParseResult, string>? Value);
}
