using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace IotSquares.CommandLine;

/// <summary>
/// Parses and runs a command the way <c>git</c> or <c>systemctl</c> treat a typo: the first mistake
/// as one line on standard error, prefixed with the program's name, then the usage exit code. No
/// help dump, nothing on standard output, no stack trace.
/// </summary>
public static class CommandLineRunner
{
    /// <summary>Parses <paramref name="args"/>; runs the command when they are valid, else reports the first mistake.</summary>
    /// <param name="root">The command.</param>
    /// <param name="programName">The name that prefixes the message, as users type it.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="configuration">Where output goes, and the invocation settings.</param>
    /// <param name="usageExitCode">What to return for a mistake.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static async Task<int> RunAsync(RootCommand root, string programName, string[] args, InvocationConfiguration configuration, int usageExitCode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(configuration);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            await configuration.Error.WriteLineAsync($"{programName}: {Describe(root, parse)}").ConfigureAwait(false);
            return usageExitCode;
        }

        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first mistake on the command line, as one line without the program's name.</summary>
    public static string Describe(RootCommand root, ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.UnmatchedTokens.Count > 0)
        {
            string token = parse.UnmatchedTokens[0];
            if (!token.StartsWith('-'))
            {
                return $"unexpected argument '{token}' (see --help)";
            }

            string? suggestion = Suggest(root, token);
            return suggestion is null ? $"unknown option '{token}' (see --help)" : $"unknown option '{token}'; did you mean '{suggestion}'? (see --help)";
        }

        ParseError first = parse.Errors[0];
        if (first.SymbolResult is OptionResult { Tokens.Count: 0 } missing)
        {
            return OptionValues.MissingValue(missing.Option.Name, OptionValues.FormOf(missing.Option));
        }

        // Our parsers' messages are one line already; System.CommandLine's own end in a full stop.
        return first.Message.ReplaceLineEndings(" ").TrimEnd('.');
    }

    // The closest option name, if it is close enough to be the one meant (two edits, or a prefix).
    private static string? Suggest(RootCommand root, string token)
    {
        string typed = token.Split('=')[0];
        IEnumerable<string> names = root.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));
        (string Name, int Distance) best = names
            .Select(n => (Name: n, Distance: n.StartsWith(typed, StringComparison.Ordinal) && typed.Length > 3 ? 1 : Distance(typed, n)))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return best.Name is not null && best.Distance <= 2 ? best.Name : null;
    }

    private static int Distance(string a, string b)
    {
        int[] previous = [.. Enumerable.Range(0, b.Length + 1)];
        for (int i = 1; i <= a.Length; i++)
        {
            int[] current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j], current[j - 1]) + 1);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
