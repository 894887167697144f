using System.CommandLine;
using IotSquares.CommandLine;
using IotSquares.Indicators.Configuration;
using IotSquares.Indicators.Rendering;
using IotSquares.Indicators.State;

namespace IotSquares.Client.CommandLine;

/// <summary>
/// The client's LEDs and display (src/Indicators): the hardware options, the <c>Hardware</c> section
/// (appsettings.json beside the binary if any, <c>PISQUARE_Hardware__*</c>, the command line), and
/// the running indicators whose observer joins the console reporter.
/// </summary>
internal static class ClientIndicators
{
    /// <summary>Adds the hardware options to <paramref name="root"/>.</summary>
    public static HardwareCommandLine AddOptions(RootCommand root)
    {
        var hardware = new HardwareCommandLine();
        hardware.AddTo(root);
        return hardware;
    }

    /// <summary>Starts the indicators, or prints every invalid setting and returns null.</summary>
    public static RunningIndicators? Start(ParseResult parse, HardwareCommandLine hardware, string server, TextWriter error)
    {
        var overrides = hardware.Overrides(parse).ToList();
        (HardwareOptions options, IReadOnlyList<string> failures) =
            HardwareSettingsReader.Read(HardwareConfiguration.Load(overrides.Select(h => KeyValuePair.Create(h.Key, (string?)h.Value))));
        if (failures.Count > 0)
        {
            foreach (string failure in failures)
            {
                // A value typed on the command line is named by its option, as the server does.
                string named = ConfigurationFailures.NameOptions(failure, [.. overrides.Select(h => (h.Key, h.Option))]);
                error.WriteLine("PiSquareClient: invalid configuration: " + named);
            }

            return null;
        }

        return IndicatorsSetup.Start(IndicatorRole.Client, server, options, TimeProvider.System, new TextWriterLogger(error, "PiSquareClient"));
    }
}
