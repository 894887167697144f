using System.Globalization;
using IotSquares.CommandLine;
using Microsoft.Extensions.Configuration;

namespace IotSquares.Server.Options;

/// <summary>
/// Reads the <c>Server</c> section into <see cref="ServerOptions"/> with the same value syntax as the
/// command line: durations as <c>500ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c> or <c>hh:mm:ss</c> (a bare
/// number is seconds, as in systemd units), so that <c>PISQUARE_Server__IdleTimeout=5</c> means five
/// seconds, not TimeSpan's five days. A value it cannot read is kept as a failure, reported together
/// with every other reason by <see cref="ServerOptionsValidator"/>, instead of one exception for the first.
/// </summary>
internal static class ServerOptionsReader
{
    /// <summary>Applies every setting present in <paramref name="section"/> to <paramref name="options"/>.</summary>
    public static void Read(IConfigurationSection section, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        options.Port = Number(section, nameof(options.Port), options.Port, options.ReadFailures);
        options.Bind = section[nameof(options.Bind)] ?? options.Bind;
        options.MaxConnections = Number(section, nameof(options.MaxConnections), options.MaxConnections, options.ReadFailures);
        options.MaxConnectionsPerAddress = Number(section, nameof(options.MaxConnectionsPerAddress), options.MaxConnectionsPerAddress, options.ReadFailures);
        options.HandshakeTimeout = Duration(section, nameof(options.HandshakeTimeout), options.HandshakeTimeout, options.ReadFailures);
        options.IdleTimeout = Duration(section, nameof(options.IdleTimeout), options.IdleTimeout, options.ReadFailures);
        options.ShutdownTimeout = Duration(section, nameof(options.ShutdownTimeout), options.ShutdownTimeout, options.ReadFailures);
        options.SpinMicroseconds = Number(section, nameof(options.SpinMicroseconds), options.SpinMicroseconds, options.ReadFailures);
        options.ReadBufferSize = Number(section, nameof(options.ReadBufferSize), options.ReadBufferSize, options.ReadFailures);
        options.MaxDigits = Number(section, nameof(options.MaxDigits), options.MaxDigits, options.ReadFailures);
        options.MaxLineLength = Number(section, nameof(options.MaxLineLength), options.MaxLineLength, options.ReadFailures);
    }

    private static int Number(IConfigurationSection section, string name, int current, List<string> failures)
    {
        string? text = section[name];
        if (text is null)
        {
            return current;
        }

        if (int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            return value;
        }

        failures.Add($"{section.Path}:{name} must be a whole number, not '{text}'.");
        return current;
    }

    private static TimeSpan Duration(IConfigurationSection section, string name, TimeSpan current, List<string> failures)
    {
        string? text = section[name];
        if (text is null)
        {
            return current;
        }

        if (DurationText.TryParse(text, out TimeSpan value))
        {
            return value;
        }

        failures.Add($"{section.Path}:{name} must be a duration {DurationText.Examples}, not '{text}'.");
        return current;
    }
}
