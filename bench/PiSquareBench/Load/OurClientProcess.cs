using System.Diagnostics;
using System.Globalization;
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
        var info = new ProcessStartInfo(assembly ? Servers.DotnetHost() : client)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
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

        long started = Stopwatch.GetTimestamp();
        using Process process = Process.Start(info) ?? throw new BenchException($"cannot start {client}");
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timer.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new BenchException(string.Create(CultureInfo.InvariantCulture, $"PiSquareClient did not finish within {timeout.TotalSeconds:0} s"));
        }

        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        string stdout = await output;
        string stderr = await error;
        if (process.ExitCode != 0 || !stdout.Contains("Summary: OK", StringComparison.Ordinal))
        {
            throw new BenchException(string.Create(CultureInfo.InvariantCulture, $"PiSquareClient exited {process.ExitCode} without verifying every square: {Last(stdout)} {Last(stderr)}"));
        }

        return seconds;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Last(string text) => text.Length <= 300 ? text.Trim() : text[^300..].Trim();
}
