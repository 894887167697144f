using System.Globalization;
using System.Net;
using System.Net.Sockets;
using IotSquares.Bench.Processes;

namespace IotSquares.Bench.Scenarios;

/// <summary>Starting our server and probing servers from the outside.</summary>
internal static class Servers
{
    /// <summary>How long a server may take to say it listens before the scenario fails.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Starts <c>dotnet PiSquareServer.dll --port &lt;port&gt; --bind 127.0.0.1 --max-connections 2000
    /// --max-connections-per-address 0</c> and <paramref name="extra"/>, logging at its default level; a path that is not a .dll (a
    /// published single file or Native AOT build) is run directly with the same options.
    /// </summary>
    public static ChildProcess StartOurs(string server, int port = 0, params string[] extra)
    {
        string[] options = ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--max-connections", "2000", "--max-connections-per-address", "0", .. extra];
        return IsAssembly(server)
            ? ChildProcess.Start("our server", DotnetHost(), [server, .. options], Path.GetDirectoryName(server))
            : ChildProcess.Start("our server", server, options, Path.GetDirectoryName(server));
    }

    /// <summary>True for a .dll run by the dotnet host, false for an executable.</summary>
    public static bool IsAssembly(string server) => server.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Tries to connect to 127.0.0.1:<paramref name="port"/> every millisecond until it succeeds; returns the
    /// child's time since Process.Start at that moment. The probe connection is closed at once.
    /// </summary>
    public static TimeSpan ProbeUntilConnected(ChildProcess child, int port, TimeSpan timeout)
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        while (child.SinceStart < timeout)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Connect(endpoint);
                TimeSpan at = child.SinceStart;
                socket.Close(0);
                return at;
            }
            catch (SocketException)
            {
                if (child.HasExited)
                {
                    throw new BenchException($"{child.Name} exited before it accepted a connection:{Environment.NewLine}{child.Tail()}");
                }

                Thread.Sleep(1);
            }
        }

        throw new BenchException(string.Create(CultureInfo.InvariantCulture, $"{child.Name} did not accept a connection within {timeout.TotalSeconds:0} s"));
    }

    /// <summary>Throws when <paramref name="child"/> has died, with its last lines.</summary>
    public static void EnsureAlive(ChildProcess child)
    {
        if (child.HasExited)
        {
            throw new BenchException($"{child.Name} has exited:{Environment.NewLine}{child.Tail()}");
        }
    }

    /// <summary>The dotnet host that runs this tool, if it runs under one; otherwise dotnet from PATH.</summary>
    public static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
