using Microsoft.Extensions.Configuration;

namespace IotSquares.Indicators.Configuration;

/// <summary>
/// Configuration for a program that has no host of its own (the client): appsettings.json beside the
/// binary if there is one, the file named by <c>PISQUARE_CONFIG_FILE</c> (the systemd unit's
/// /etc/pisquare/appsettings.json) if set, then <c>PISQUARE_</c> environment variables, then the command line.
/// </summary>
public static class HardwareConfiguration
{
    /// <summary>Builds the layered configuration.</summary>
    public static IConfiguration Load(IEnumerable<KeyValuePair<string, string?>> overrides, string environmentPrefix = "PISQUARE_")
    {
        IConfigurationBuilder builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true);
        if (Environment.GetEnvironmentVariable(environmentPrefix + "CONFIG_FILE") is { Length: > 0 } file)
        {
            builder.AddJsonFile(Path.GetFullPath(file), optional: true);
        }

        return builder.AddEnvironmentVariables(environmentPrefix).AddInMemoryCollection(overrides).Build();
    }
}
