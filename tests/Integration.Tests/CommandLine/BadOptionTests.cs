using System.CommandLine;
using System.CommandLine.Help;
using IotSquares.Client;
using IotSquares.Client.CommandLine;
using IotSquares.CommandLine;
using IotSquares.Server.CommandLine;
using IotSquares.Server.Hosting;

namespace IotSquares.Integration.Tests.CommandLine;

/// <summary>
/// Every option of both programs, given bad values: the documented exit code, exactly one line on
/// standard error that names the option (and, for a bad or missing value, the accepted form), no
/// stack trace, nothing on standard output. The rows are checked against the options the commands
/// define, so an option added without rows here fails <see cref="Every_option_of_both_programs_has_rows_in_the_table"/>.
/// </summary>
public sealed class BadOptionTests
{
    private const int ClientUsage = ClientExitCodes.Usage;
    private const int ServerUsage = ServerExitCodes.Usage;
    private const int ServerConfig = ServerExitCodes.Configuration;

    private static readonly string[] NotNumbers = ["abc", "1e3", "12x", "", "99999999999999999999"];
    private static readonly string[] NotDurations = ["abc", "5x", "-5s", "", "1h-2m", "5 days"];

    /// <summary>Bad values per client option, each with the exit code it must give.</summary>
    private static readonly Dictionary<string, (string Value, int Exit)[]> ClientRows = WithHardware(ClientUsage, new()
    {
        ["--host"] = [("", ClientUsage), ("   ", ClientUsage)],
        ["--port"] = [.. Usage(NotNumbers, ClientUsage), ("-5", ClientUsage), ("0", ClientUsage), ("65536", ClientUsage)],
        ["--count"] = [.. Usage(NotNumbers, ClientUsage), ("-5", ClientUsage), ("9223372036854775808", ClientUsage)],
        ["--start"] = [("abc", ClientUsage), ("1e3", ClientUsage), ("", ClientUsage), ("1.5", ClientUsage), ("--5", ClientUsage)],
        ["--dialect"] = [("klingon", ClientUsage), ("", ClientUsage), ("1", ClientUsage)],
        ["--pipeline"] = [.. Usage(NotNumbers, ClientUsage), ("-1", ClientUsage), ("0", ClientUsage), ("1000001", ClientUsage)],
        ["--connect-timeout"] = [.. Usage(NotDurations, ClientUsage), ("0", ClientUsage), ("2d", ClientUsage)],
        ["--receive-timeout"] = [.. Usage(NotDurations, ClientUsage), ("0s", ClientUsage), ("25h", ClientUsage)],
        ["--retries"] = [.. Usage(NotNumbers, ClientUsage), ("-1", ClientUsage), ("1001", ClientUsage)],
        ["--retry-delay"] = [.. Usage(NotDurations, ClientUsage), ("2h", ClientUsage)],
        ["--max-retry-delay"] = [.. Usage(NotDurations, ClientUsage), ("61m", ClientUsage)],
        ["--spin"] = [.. Usage(NotNumbers, ClientUsage), ("-1", ClientUsage), ("100001", ClientUsage), ("1s", ClientUsage), ("0.5", ClientUsage), ("50 parsecs", ClientUsage)],
        ["--verbose"] = [],
        ["--quiet"] = [],
    });

    /// <summary>
    /// Bad values per server option. A value not of the option's form is a usage error (64); a value
    /// of the right form that the settings cannot take is an invalid configuration (78).
    /// </summary>
    private static readonly Dictionary<string, (string Value, int Exit)[]> ServerRows = WithHardware(ServerUsage, new()
    {
        ["--port"] = [.. Usage(NotNumbers, ServerUsage), ("-5", ServerUsage), ("65536", ServerConfig)],
        ["--bind"] = [("", ServerUsage), ("  ", ServerUsage)],
        ["--max-connections"] = [.. Usage(NotNumbers, ServerUsage), ("-1", ServerUsage), ("0", ServerConfig)],
        ["--max-connections-per-address"] = [.. Usage(NotNumbers, ServerUsage), ("-1", ServerUsage)],
        ["--handshake-timeout"] = [.. Usage(NotDurations, ServerUsage), ("0", ServerConfig), ("2d", ServerConfig)],
        ["--idle-timeout"] = [.. Usage(NotDurations, ServerUsage), ("0ms", ServerConfig), ("1d 1s", ServerConfig)],
        ["--shutdown-timeout"] = [.. Usage(NotDurations, ServerUsage), ("00:00:00", ServerConfig), ("25h", ServerConfig)],
        ["--spin"] = [.. Usage(NotNumbers, ServerUsage), ("-1", ServerUsage), ("0.5", ServerUsage), ("50 parsecs", ServerUsage), ("100001", ServerConfig), ("2s", ServerConfig)],
        ["--read-buffer-size"] = [.. Usage(NotNumbers, ServerUsage), ("-1", ServerUsage), ("511", ServerConfig), ("1048577", ServerConfig)],
        ["--max-digits"] = [.. Usage(NotNumbers, ServerUsage), ("-1", ServerUsage), ("0", ServerConfig), ("1000001", ServerConfig)],
        ["--max-line-length"] = [.. Usage(NotNumbers, ServerUsage), ("-1", ServerUsage), ("100", ServerConfig)],
        ["--log-level"] = [("foo", ServerUsage), ("", ServerUsage), ("2", ServerUsage)],
        ["--diagnostics-slow-observer"] = [.. Usage(NotNumbers, ServerUsage), ("-1", ServerUsage), ("1001", ServerUsage)],
    });

    /// <summary>
    /// Bad values per hardware option, the same in both programs but for the usage code: a value not of the
    /// option's form is a usage error; one of the right form that the Hardware settings cannot take (an address
    /// above 0x77, a size the default SSD1306 does not have, a line above 63, two LEDs on one line) is an
    /// invalid configuration (78), as it would be from appsettings.json.
    /// </summary>
    private static Dictionary<string, (string Value, int Exit)[]> WithHardware(int usage, Dictionary<string, (string Value, int Exit)[]> rows) => new(rows)
    {
        ["--hardware"] = [("lasers", usage), ("", usage), ("1", usage)],
        ["--display"] = [("oled", usage), ("", usage), ("0", usage)],
        ["--display-address"] = [("abc", usage), ("0x", usage), ("0xZZ", usage), ("", usage), ("-5", usage), ("0x99", ServerConfig), ("2", ServerConfig)],
        ["--display-size"] = [("big", usage), ("128", usage), ("128x", usage), ("x64", usage), ("", usage), ("-1x2", usage), ("9x9", ServerConfig), ("20x4", ServerConfig)],
        ["--led-pins"] = [("abc", usage), ("17,27", usage), ("17,27,22,23", usage), ("a,b,c", usage), ("", usage), ("17,,22", usage), ("5,5,6", ServerConfig), ("17,27,64", ServerConfig)],
        ["--gpio-chip"] = [("", usage), ("  ", usage)],
        ["--hardware-record"] = [("", usage), ("  ", usage)],
    };

    public static TheoryData<string, string, int> ClientCases => Cases(ClientRows, ClientUsage);

    public static TheoryData<string, string, int> ServerCases => Cases(ServerRows, ServerUsage);

    [Fact]
    public void Every_option_of_both_programs_has_rows_in_the_table()
    {
        Assert.Equal(Names(ClientCommand.Create(TextWriter.Null, TextWriter.Null)), ClientRows.Keys.Order());
        Assert.Equal(Names(ServerCommand.Create(TextWriter.Null)), ServerRows.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(ClientCases))]
    public async Task A_bad_client_option_gives_one_line_and_exit_1_or_78(string option, string value, int exit)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        int code = await ClientCommand.RunAsync(Arguments(option, value), output, error).WaitAsync(TimeSpan.FromSeconds(30));

        AssertOneLine("PiSquareClient", Option(ClientCommand.Create(TextWriter.Null, TextWriter.Null), option), value, exit, code, output, error);
    }

    [Theory]
    [MemberData(nameof(ServerCases))]
    public async Task A_bad_server_option_gives_one_line_and_exit_64_or_78(string option, string value, int exit)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        // Every row is invalid, so no server ever starts; the deadline only keeps a regression from hanging.
        int code = await ServerCommand.InvokeAsync(Arguments(option, value), output, error).WaitAsync(TimeSpan.FromSeconds(60));

        AssertOneLine("PiSquareServer", Option(ServerCommand.Create(TextWriter.Null), option), value, exit, code, output, error);
    }

    [Theory]
    [InlineData("--verbose", "yes")]
    [InlineData("--quiet", "1")]
    public async Task A_client_flag_takes_no_value(string flag, string value)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        int code = await ClientCommand.RunAsync([flag, value], output, error);

        Assert.Equal(ClientUsage, code);
        Assert.Equal($"PiSquareClient: unexpected argument '{value}' (see --help)", SingleLine(error));
        Assert.Empty(output.ToString());
    }

    [Fact]
    public async Task Verbose_and_quiet_together_are_one_line()
    {
        var error = new StringWriter();

        int code = await ClientCommand.RunAsync(["-v", "-q"], TextWriter.Null, error);

        Assert.Equal(ClientUsage, code);
        Assert.Equal("PiSquareClient: --verbose and --quiet exclude each other", SingleLine(error));
    }

    private static void AssertOneLine(string program, Option option, string value, int expectedExit, int exit, StringWriter output, StringWriter error)
    {
        string line = SingleLine(error);
        Assert.True(expectedExit == exit, $"exit {exit}, expected {expectedExit}: {line}");
        Assert.StartsWith(program + ": ", line);
        Assert.Contains(option.Name, line);
        Assert.DoesNotContain("Exception", line);
        Assert.DoesNotContain("   at ", line);
        Assert.Empty(output.ToString());
        if (value == Missing)
        {
            Assert.Contains($"{option.Name} needs a value: {OptionValues.FormOf(option)}", line);
        }
        else if (value == Typo)
        {
            Assert.Contains($"did you mean '{option.Name}'?", line);
        }
        else if (expectedExit != ServerConfig)
        {
            Assert.Contains($"expected {OptionValues.FormOf(option)}", line);
        }
    }

    private static string SingleLine(StringWriter error)
    {
        string[] lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on standard error, got {lines.Length}:\n{error}");
        return lines[0];
    }

    // Placeholders for the two cases every option has: no value at all, and the option's name misspelt.
    private const string Missing = "<missing>";
    private const string Typo = "<typo>";

    private static string[] Arguments(string option, string value) => value switch
    {
        Missing => [option],
        Typo => [option[..^1] + option[^1] + option[^1], "1"],
        _ => [option, value],
    };

    private static TheoryData<string, string, int> Cases(Dictionary<string, (string Value, int Exit)[]> rows, int usage)
    {
        var data = new TheoryData<string, string, int>();
        foreach ((string option, (string Value, int Exit)[] values) in rows)
        {
            data.Add(option, Typo, usage);
            if (values.Length == 0)
            {
                continue; // A flag: it has no value to get wrong (see A_client_flag_takes_no_value).
            }

            data.Add(option, Missing, usage);
            foreach ((string value, int exit) in values)
            {
                data.Add(option, value, exit);
            }
        }

        return data;
    }

    private static IEnumerable<(string, int)> Usage(string[] values, int exit) => values.Select(v => (v, exit));

    private static IEnumerable<string> Names(RootCommand root) =>
        root.Options.Where(o => o is not HelpOption and not VersionOption).Select(o => o.Name).Order();

    private static Option Option(RootCommand root, string name) => root.Options.Single(o => o.Name == name);
}
