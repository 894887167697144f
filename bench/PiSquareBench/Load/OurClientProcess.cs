using System.Diagnostics;
using System.Globalization;
using IotSquares.Bench.Processes;
using IotSquares.Bench.Scenarios;

namespace IotSquares.Bench.Load;

/// <summary>
/// PiSquareClient as a user runs it: a process of its own (<c>-q</c>, no retries), timed from
/// Process.Start to its exit. The tool takes two counts and keeps the difference, so that the
/// process's start-up (runtime, JIT, connect, greeting) cancels out, as it does for the C client.
/// </summary>
internal static class OurClientProcess
{
    /// <summary>Runs <paramref name="client"/> (a .dll run by the dotnet host, or an executable) to the end; its wall time in seconds.</summary>
    /// <exception cref="BenchException">It did not exit 0 with every square verified, or took longer than <paramref name="timeout"/>.</exception>
    public static async Task<double> RunAsync(
        string client, int port, string dialect, long start, long count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        bool assembly = Servers.IsAssembly(client);
        var info = new ProcessStartInfo(assembly ? Servers.DotnetHost() : client);
        if (assembly)
        {
            info.ArgumentList.Add(client);
        }

        foreach (string argument in (string[])[
            "--host", "127.0.0.1", "--port", Text(port), "--dialect", dialect, "--start", Text(start), "--count", Text(count), "--retries", "0", "-q",
        ])
        {
            info.ArgumentList.Add(argument);
        }

        ProcessRun run = await ProcessRun.RunAsync(info, "PiSquareClient", timeout, cancellationToken);
        if (run.ExitCode != 0 || !run.StandardOutput.Contains("Summary: OK", StringComparison.Ordinal))
        {
            throw new BenchException(string.Create(CultureInfo.InvariantCulture, $"PiSquareClient exited {run.ExitCode} without verifying every square: {Last(run.StandardOutput)} {Last(run.StandardError)}"));
        }

        return run.Wall.TotalSeconds;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Last(string text) => text.Length <= 300 ? text.Trim() : text[^300..].Trim();
}
