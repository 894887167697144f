namespace IotSquares.CommandLine;

/// <summary>
/// Configuration failures as a user reads them: a reason about a value typed on the command line names
/// the option that set it (<c>--port must be …</c>), not the configuration key (<c>Server:Port must be …</c>),
/// while a reason about a value from appsettings.json or the environment keeps its key.
/// </summary>
public static class ConfigurationFailures
{
    /// <summary>
    /// <paramref name="failure"/> with its leading configuration key replaced by the option that set it.
    /// An option that sets several keys of one section (<c>--led-pins</c>: <c>Hardware:Leds:Status</c>, …)
    /// also names a reason about the section as a whole (<c>Hardware:Leds: …</c>).
    /// </summary>
    /// <param name="failure">One reason, starting with the key it is about.</param>
    /// <param name="settings">The keys set on the command line, each with the option that set it.</param>
    public static string NameOptions(string failure, IReadOnlyCollection<(string Key, string Option)> settings)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(settings);
        foreach ((string key, string option) in settings)
        {
            if (failure.StartsWith(key + " ", StringComparison.OrdinalIgnoreCase))
            {
                return option + failure[key.Length..];
            }
        }

        IEnumerable<(string Section, string Option)> sections = settings
            .Where(s => s.Key.Contains(':', StringComparison.Ordinal))
            .GroupBy(s => (Section: s.Key[..s.Key.LastIndexOf(':')], s.Option))
            .Where(g => g.Count() > 1)
            .Select(g => g.Key);
        foreach ((string section, string option) in sections)
        {
            if (failure.StartsWith(section + ": ", StringComparison.OrdinalIgnoreCase))
            {
                return option + failure[section.Length..];
            }
        }

        return failure;
    }
}
