using Microsoft.Extensions.Configuration;

namespace IotSquares.Indicators.Configuration;

/// <summary>
/// Configuration for a program that has no host of its own (the client): appsettings.json beside the
/// binary if there is one, then <c>PISQUARE_</c> environment variables, then the command line.
/// </summary>
public static class HardwareConfiguration
{
    /// <summary>Builds the layered configuration.</summary>
    public static IConfiguration Load(IEnumerable<KeyValuePair<string, string?>> overrides, string environmentPrefix = "PISQUARE_") =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables(environmentPrefix)
            .AddInMemoryCollection(overrides)
            .Build();
}
