using System.Diagnostics;
using System.Globalization;

namespace IotSquares.Bench.Processes;

/// <summary>What a client process left behind: its exit code, its output and its wall time.</summary>
/// <param name="ExitCode">The process's exit code.</param>
/// <param name="StandardOutput">Everything it wrote to standard output.</param>
/// <param name="StandardError">Everything it wrote to standard error.</param>
/// <param name="Wall">From <see cref="Process.Start()"/> to its exit, as a user with a stopwatch would see it.</param>
internal sealed record ProcessRun(int ExitCode, string StandardOutput, string StandardError, TimeSpan Wall)
{
    /// <summary>
    /// Runs a client (ours or a C peer) to its end, timed from start to exit, both outputs read while it runs
    /// (a full pipe would stall it). Killed, with its children, when it outlives <paramref name="timeout"/>.
    /// </summary>
    /// <exception cref="BenchException">It could not be started, or did not finish within <paramref name="timeout"/>.</exception>
    public static async Task<ProcessRun> RunAsync(
        ProcessStartInfo info, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        long started = Stopwatch.GetTimestamp();
        using Process process = Process.Start(info) ?? throw new BenchException($"cannot start {name}");
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
            throw new BenchException(string.Create(CultureInfo.InvariantCulture, $"{name} did not finish within {timeout.TotalSeconds:0} s"));
        }

        TimeSpan wall = Stopwatch.GetElapsedTime(started);
        return new ProcessRun(process.ExitCode, await output, await error, wall);
    }
}
