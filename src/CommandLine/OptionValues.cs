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

    // The defaults are kept here rather than in DefaultValueFactory, whose value the help would print in
    // System.CommandLine's own form ("[default: 00:00:00.2000000]") beside the description's "(default 200ms)".
    private static readonly ConditionalWeakTable<Option, object> Defaults = [];

    /// <summary>The option's value when given, else its default (an option made here has no DefaultValueFactory).</summary>
    public static T ValueOf<T>(ParseResult parse, Option<T> option)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(option);
        return parse.GetResult(option) is { Implicit: false } || !Defaults.TryGetValue(option, out object? fallback)
            ? parse.GetValue(option)!
            : (T)fallback;
    }

    /// <summary>The accepted form of an option made here, for "needs a value" messages; null for others.</summary>
    public static string? FormOf(Option option) => Forms.TryGetValue(option, out string? form) ? form : null;

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<T> WholeNumber<T>(string name, string[] aliases, T min, T max, T defaultValue, string description)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        string form = string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}");
        var option = new Option<T>(name, aliases) { Description = description };
        return Register(option, form, defaultValue, text =>
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
        var option = new Option<TimeSpan>(name) { Description = description, HelpName = "duration" };
        return Register(option, form, defaultValue, text =>
            DurationText.TryParse(text, out TimeSpan value) && (minAllowed ? value >= min : value > min) && value <= max
                ? (true, value)
                : (false, default));
    }

    /// <summary>
    /// A short time where a bare number is microseconds (<c>50</c>), kept from before durations had units, or a
    /// duration with its unit (<c>50us</c>, <c>50µs</c>, <c>0.1ms</c>); from zero to <paramref name="max"/>, in whole microseconds.
    /// </summary>
    public static Option<TimeSpan> Microseconds(string name, TimeSpan max, TimeSpan defaultValue, string description)
    {
        string form = string.Create(
            CultureInfo.InvariantCulture,
            $"a time from 0 to {max.Ticks / TimeSpan.TicksPerMicrosecond} microseconds: a bare number of microseconds (50) or a duration such as 50us or 0.1ms");
        var option = new Option<TimeSpan>(name) { Description = description, HelpName = "time" };
        long maxMicroseconds = max.Ticks / TimeSpan.TicksPerMicrosecond;
        return Register(option, form, defaultValue, text =>
        {
            string trimmed = text.Trim();
            TimeSpan value;
            if (trimmed.Length > 0 && trimmed.All(char.IsAsciiDigit))
            {
                // Bare: microseconds. More digits than a long holds is simply too large.
                if (!long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out long microseconds) || microseconds > maxMicroseconds)
                {
                    return (false, default);
                }

                value = TimeSpan.FromMicroseconds(microseconds);
            }
            else if (trimmed.All(c => char.IsAsciiDigit(c) || c == '.') || !DurationText.TryParse(trimmed, out value))
            {
                // A bare fraction ("0.5") would be seconds as a duration but microseconds here: it needs its unit.
                return (false, default);
            }

            value = TimeSpan.FromTicks(value.Ticks / TimeSpan.TicksPerMicrosecond * TimeSpan.TicksPerMicrosecond);
            return value <= max ? (true, value) : (false, default);
        });
    }

    /// <summary>One of <paramref name="choices"/>, case-insensitive; the value is the choice as spelled in the list.</summary>
    public static Option<string> OneOf(string name, string[] aliases, string[] choices, string defaultValue, string description)
    {
        string form = "one of " + string.Join(", ", choices);
        var option = new Option<string>(name, aliases) { Description = description, HelpName = string.Join('|', choices) };
        return Register(option, form, defaultValue, text =>
            choices.FirstOrDefault(c => string.Equals(c, text.Trim(), StringComparison.OrdinalIgnoreCase)) is { } choice ? (true, choice) : (false, string.Empty));
    }

    /// <summary>Any text that is not empty or blank, described to the user as <paramref name="form"/>.</summary>
    public static Option<string> Text(string name, string[] aliases, string form, string defaultValue, string description)
    {
        var option = new Option<string>(name, aliases) { Description = description };
        return Register(option, form, defaultValue, text => string.IsNullOrWhiteSpace(text) ? (false, string.Empty) : (true, text.Trim()));
    }

    /// <summary>
    /// A value checked by <paramref name="parse"/>, described to the user as <paramref name="form"/>; <paramref name="defaultValue"/>
    /// when not given (read it with <see cref="ValueOf{T}"/>).
    /// </summary>
    public static Option<T> Custom<T>(Option<T> option, string form, T defaultValue, Func<string, (bool Ok, T Value)> parse)
    {
        ArgumentNullException.ThrowIfNull(option);
        return Register(option, form, defaultValue, parse);
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

    private static Option<T> Register<T>(Option<T> option, string form, T defaultValue, Func<string, (bool Ok, T Value)> parse)
    {
        Forms.AddOrUpdate(option, form);
        if (defaultValue is not null)
        {
            Defaults.AddOrUpdate(option, defaultValue);
        }

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
