using System.CommandLine;
using System.Net.Sockets;
using IotSquares.Server.Hosting;
using IotSquares.Server.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IotSquares.Server.CommandLine;

/// <summary>
/// The server's command line. Each option maps to one configuration key and is applied only when
/// given, so appsettings.json and environment variables keep their say otherwise.
/// </summary>
public static class ServerCommand
{
    /// <summary>Builds the root command.</summary>
    public static RootCommand Create()
    {
        var mapped = new List<(Option Option, string Key)>();
        Option<T> Add<T>(string name, string key, string description)
        {
            var option = new Option<T>(name) { Description = description };
            mapped.Add((option, key));
            return option;
        }

        string section = ServerOptions.SectionName + ":";
        var root = new RootCommand(
            "PiSquareServer: squares integers for clients on the network, in the textbook's dialect or the framed one.\n" +
            "Settings come from appsettings.json beside the binary, then PISQUARE_Server__<Name> environment variables, then these options.")
        {
            Add<int>("--port", section + nameof(ServerOptions.Port), $"TCP port to listen on (default {ServerOptions.DefaultPort}; 0 picks a free one)"),
            Add<string>("--bind", section + nameof(ServerOptions.Bind), "Address to listen on: * for all interfaces (IPv4 and IPv6, the default), an IP address, or a host name"),
            Add<int>("--max-connections", section + nameof(ServerOptions.MaxConnections), "Most clients served at once (default 1024)"),
            Add<int>("--max-connections-per-address", section + nameof(ServerOptions.MaxConnectionsPerAddress), "Most clients from one remote address at once (default 64; 0 = no limit)"),
            Add<TimeSpan>("--handshake-timeout", section + nameof(ServerOptions.HandshakeTimeout), "Time a new client has to send its whole greeting, as hh:mm:ss (default 00:00:10)"),
            Add<TimeSpan>("--idle-timeout", section + nameof(ServerOptions.IdleTimeout), "Time a client may take to complete each request, as hh:mm:ss (default 00:05:00)"),
            Add<TimeSpan>("--shutdown-timeout", section + nameof(ServerOptions.ShutdownTimeout), "Time allowed for goodbyes when stopping (default 00:00:05)"),
            Add<int>("--spin", section + nameof(ServerOptions.SpinMicroseconds), "Microseconds to poll for a client's next request after a reply (lower lockstep latency for a little CPU; default 50, 0 = off)"),
            Add<int>("--read-buffer-size", section + nameof(ServerOptions.ReadBufferSize), "Bytes taken from a socket per read (default 4096)"),
            Add<int>("--max-digits", section + nameof(ServerOptions.MaxDigits), "Most digits in a request (default 4096)"),
            Add<int>("--max-line-length", section + nameof(ServerOptions.MaxLineLength), "Most bytes in a request line (default 8192)"),
            Add<string>("--log-level", "Logging:LogLevel:Default", "Trace, Debug, Information (default), Warning, Error or Critical; Debug logs every square"),
        };

        root.SetAction((parse, _) => RunAsync(Overrides(parse, mapped)));
        return root;
    }

    /// <summary>Parses and runs, leaving SIGINT/SIGTERM to the host so that shutdown stays graceful.</summary>
    public static Task<int> InvokeAsync(string[] args) =>
        Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

    private static Dictionary<string, string?> Overrides(ParseResult parse, List<(Option Option, string Key)> mapped)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach ((Option option, string key) in mapped)
        {
            if (parse.GetResult(option) is { Implicit: false, Tokens.Count: > 0 } result)
            {
                overrides[key] = result.Tokens[^1].Value;
            }
        }

        return overrides;
    }

    private static async Task<int> RunAsync(Dictionary<string, string?> overrides)
    {
        try
        {
            using IHost host = ServerHost.CreateBuilder(overrides).Build();
            await host.RunAsync();
            return ServerExitCodes.Success;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("PiSquareServer: invalid configuration:");
            foreach (string failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync("  " + failure);
            }

            return ServerExitCodes.Configuration;
        }
        catch (InvalidOperationException ex) when (ex.InnerException is FormatException)
        {
            await Console.Error.WriteLineAsync($"PiSquareServer: invalid configuration: {ex.Message}");
            return ServerExitCodes.Configuration;
        }
        catch (SocketException ex)
        {
            await Console.Error.WriteLineAsync($"PiSquareServer: cannot listen: {ex.Message} ({ex.SocketErrorCode})");
            return ServerExitCodes.Unavailable;
        }
    }
}
