using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using IotSquares.Integration.Tests.Support;
using IotSquares.TestKit;

namespace IotSquares.Integration.Tests.CommandLine;

/// <summary>The real server program as a process, started on a given port and bind address, for the port-sharing and restart tests.</summary>
internal static partial class ServerProcesses
{
    private static readonly string[] TcpTables = ["/proc/net/tcp", "/proc/net/tcp6"];

    /// <summary>Starts PiSquareServer and waits for its "Listening on" line; throws with its error output if it exits instead.</summary>
    public static async Task<Process> StartListeningAsync(int port, string bind)
    {
        Process server = ProcessRunner.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "PiSquareServer.dll"), "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", bind]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        timeout.Token.Register(() => server.Kill());
        while (await server.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
        {
            if (ListeningLine().IsMatch(line))
            {
                // Keep draining its output so that the server never blocks on a full pipe.
                _ = server.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = server.StandardError.ReadToEndAsync(CancellationToken.None);
                return server;
            }
        }

        string error = await server.StandardError.ReadToEndAsync();
        server.Dispose();
        throw new InvalidOperationException($"the server on {bind} port {port} exited before listening: {error}");
    }

    /// <summary>Stops a server with SIGTERM and waits for it to exit.</summary>
    public static async Task<int> StopAsync(Process server)
    {
        if (!server.HasExited)
        {
            _ = LinuxProcessCalls.Kill(server.Id, LinuxProcessCalls.SigTerm);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await server.WaitForExitAsync(timeout.Token);
        return server.ExitCode;
    }

    /// <summary>A port that was free a moment ago, on both 127.0.0.1 and the IPv6 wildcard.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        if (Socket.OSSupportsIPv6)
        {
            probe.Server.DualMode = true;
        }

        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Sockets in TIME_WAIT whose local port is <paramref name="port"/>, from /proc/net/tcp and tcp6.</summary>
    public static int TimeWaitCount(int port)
    {
        string hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        int count = 0;
        foreach (string table in TcpTables.Where(File.Exists))
        {
            foreach (string line in File.ReadLines(table).Skip(1))
            {
                string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 3 && fields[1].EndsWith(":" + hexPort, StringComparison.Ordinal) && fields[3] == "06")
                {
                    count++;
                }
            }
        }

        return count;
    }

    [GeneratedRegex(@"Listening on \S+:\d+")]
    private static partial Regex ListeningLine();
}
