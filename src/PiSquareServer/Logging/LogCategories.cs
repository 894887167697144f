using System.Collections.Concurrent;

namespace IotSquares.Server.Logging;

/// <summary>
/// Short names for log categories: <c>exchange</c> instead of
/// <c>IotSquares.Server.Logging.LoggingExchangeObserver</c>, so that a line says what happened within
/// about 100 characters. Filtering (<c>Logging:LogLevel:…</c>) still uses the full names.
/// </summary>
internal static class LogCategories
{
    private const string OurPrefix = "IotSquares.Server.";

    // Our folders (namespaces) by what an operator calls them; a folder not listed is its own name in lower case.
    private static readonly Dictionary<string, string> Areas = new(StringComparer.Ordinal)
    {
        ["Logging"] = "exchange",
        ["Hosting"] = "server",
        ["Connections"] = "connections",
        ["Listening"] = "listen",
        ["Systemd"] = "systemd",
        ["Health"] = "watchdog",
    };

    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    /// <summary>The short name of <paramref name="category"/>.</summary>
    public static string Shorten(string category)
    {
        ArgumentNullException.ThrowIfNull(category);
        return Cache.GetOrAdd(category, static name =>
        {
            if (name.StartsWith(OurPrefix, StringComparison.Ordinal))
            {
                string rest = name[OurPrefix.Length..];
                int dot = rest.IndexOf('.', StringComparison.Ordinal);
                string area = dot < 0 ? rest : rest[..dot];
                return Areas.TryGetValue(area, out string? known) ? known : area.ToLowerInvariant();
            }

            // The host's own start and stop messages; anything else by its last name.
            return name == "Microsoft.Hosting.Lifetime" ? "host" : name[(name.LastIndexOf('.') + 1)..];
        });
    }
}
