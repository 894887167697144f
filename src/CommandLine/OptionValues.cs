using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace IotSquares.CommandLine;

/// <summary>
/// Options whose values are checked as they are parsed: each has an accepted form, and a value
/// outside it is one error that names the option, the value and the form. No value is ever left to
/// System.CommandLine's own converters, whose failures surface later as exceptions.
/// </summary>
public static class OptionValues
{
    private static readonly ConditionalWeakTable<Option, string> Forms = [];

    /// <summary>The accepted form of an option made here, for "needs a value" messages; null for others.</summary>
    public static string? FormOf(Option option) => Forms.TryGetValue(option, out string? form) ? form : null;

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<T> WholeNumber<T>(string name, string[] aliases, T min, T max, T defaultValue, string description)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        string form = string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}");
        var option = new Option<T>(name, aliases) { Description = description, DefaultValueFactory = _ => defaultValue };
        return Register(option, form, text =>
            T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out T value) && value >= min && value <= max
                ? (true, value)
                : (false, default));
    }

    /// <summary>
    /// A duration (<see cref="DurationText"/>) above <paramref name="min"/> (or from it, when
    /// <paramref name="minAllowed"/>) and at most <paramref name="max"/>.
    /// </summary>
    public static Option<TimeSpan> Duration(string name, TimeSpan min, bool minAllowed, TimeSpan max, TimeSpan defaultValue, string description)
    {
        string form = min == TimeSpan.Zero && minAllowed && max >= TimeSpan.FromDays(3650)
            ? $"a duration {DurationText.Examples}"
            : $"a duration {Range(min, minAllowed, max)}, {DurationText.Examples}";
        var option = new Option<TimeSpan>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "duration" };
        return Register(option, form, text =>
            DurationText.TryParse(text, out TimeSpan value) && (minAllowed ? value >= min : value > min) && value <= max
                ? (true, value)
                : (false, default));
    }

    /// <summary>One of <paramref name="choices"/>, case-insensitive; the value is the choice as spelled in the list.</summary>
    public static Option<string> OneOf(string name, string[] aliases, string[] choices, string defaultValue, string description)
    {
        string form = "one of " + string.Join(", ", choices);
        var option = new Option<string>(name, aliases) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = string.Join('|', choices) };
        return Register(option, form, text =>
            choices.FirstOrDefault(c => string.Equals(c, text.Trim(), StringComparison.OrdinalIgnoreCase)) is { } choice ? (true, choice) : (false, string.Empty));
    }

    /// <summary>Any text that is not empty or blank, described to the user as <paramref name="form"/>.</summary>
    public static Option<string> Text(string name, string[] aliases, string form, string defaultValue, string description)
    {
        var option = new Option<string>(name, aliases) { Description = description, DefaultValueFactory = _ => defaultValue };
        return Register(option, form, text => string.IsNullOrWhiteSpace(text) ? (false, string.Empty) : (true, text.Trim()));
    }

    /// <summary>A value checked by <paramref name="parse"/>, described to the user as <paramref name="form"/>.</summary>
    public static Option<T> Custom<T>(Option<T> option, string form, Func<string, (bool Ok, T Value)> parse)
    {
        ArgumentNullException.ThrowIfNull(option);
        return Register(option, form, parse);
    }

    /// <summary>A flag: it takes no value, so <c>--verbose yes</c> is an unexpected argument, not a silent "true".</summary>
    public static Option<bool> Flag(string name, string[] aliases, string description) =>
        new(name, aliases) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>The one-line message for a value outside an option's form.</summary>
    public static string InvalidValue(string option, string text, string form) => $"invalid value '{text}' for {option}: expected {form}";

    /// <summary>The one-line message for an option given without its value.</summary>
    public static string MissingValue(string option, string? form) => form is null ? $"{option} needs a value" : $"{option} needs a value: {form}";

    private static string Range(TimeSpan min, bool minAllowed, TimeSpan max)
    {
        string lower = min == TimeSpan.Zero ? (minAllowed ? "from 0" : "more than 0") : (minAllowed ? "from " : "more than ") + DurationText.Format(min);
        return $"{lower} and at most {DurationText.Format(max)}";
    }

    private static Option<T> Register<T>(Option<T> option, string form, Func<string, (bool Ok, T Value)> parse)
    {
        Forms.AddOrUpdate(option, form);
        option.CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                result.AddError(MissingValue(option.Name, form));
                return default;
            }

            string text = result.Tokens[^1].Value;
            (bool ok, T value) = parse(text);
            if (!ok)
            {
                result.AddError(InvalidValue(option.Name, text, form));
            }

            return value;
        };
        return option;
    }
}
