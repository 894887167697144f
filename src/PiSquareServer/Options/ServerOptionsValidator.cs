using IotSquares.CommandLine;
using IotSquares.Protocol;
using Microsoft.Extensions.Options;

namespace IotSquares.Server.Options;

/// <summary>
/// Refuses settings that cannot work, at start-up and with every reason at once, so that a typo in
/// appsettings.json stops the service with a clear message instead of failing on the first client.
/// </summary>
public sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>(options.ReadFailures);
        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"Server:Port must be 0-65535, not {options.Port}.");
        }

        if (string.IsNullOrWhiteSpace(options.Bind))
        {
            failures.Add("Server:Bind must be '*', an IP address or a host name.");
        }

        if (options.MaxConnections < 1)
        {
            failures.Add($"Server:MaxConnections must be at least 1, not {options.MaxConnections}.");
        }

        if (options.MaxConnectionsPerAddress < 0)
        {
            failures.Add($"Server:MaxConnectionsPerAddress must be 0 (no limit) or more, not {options.MaxConnectionsPerAddress}.");
        }

        if (options.ReadBufferSize is < 512 or > 1_048_576)
        {
            failures.Add($"Server:ReadBufferSize must be 512-1048576 bytes, not {options.ReadBufferSize}.");
        }

        if (options.SpinMicroseconds is < 0 or > 100_000)
        {
            failures.Add($"Server:SpinMicroseconds must be 0-100000 microseconds (at most 100 ms), not {options.SpinMicroseconds}.");
        }

        RequirePositive(failures, nameof(options.HandshakeTimeout), options.HandshakeTimeout);
        RequirePositive(failures, nameof(options.IdleTimeout), options.IdleTimeout);
        RequirePositive(failures, nameof(options.ShutdownTimeout), options.ShutdownTimeout);

        if (options.MaxDigits is < 1 or > 1_000_000)
        {
            failures.Add($"Server:MaxDigits must be 1-1000000, not {options.MaxDigits}.");
        }
        else if (options.MaxLineLength < Math.Max(ProtocolLimits.MinimumLineLength, options.MaxDigits + 1))
        {
            int needed = Math.Max(ProtocolLimits.MinimumLineLength, options.MaxDigits + 1);
            failures.Add(
                $"Server:MaxLineLength must be at least {needed} (room for a sign and MaxDigits digits, and never below {ProtocolLimits.MinimumLineLength}), not {options.MaxLineLength}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequirePositive(List<string> failures, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            failures.Add($"Server:{name} must be more than zero and at most a day, not {DurationText.Format(value)}.");
        }
    }
}
