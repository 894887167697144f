using System.Diagnostics;
using System.Text;

namespace IotSquares.Integration.Tests.Support;

/// <summary>Runs a program to its end with a bound on time, capturing what it prints.</summary>
public static class ProcessRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Process Start(string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
    }

    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        using Process process = Start(fileName, arguments);
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', process.StartInfo.ArgumentList)} did not finish in time; output so far: {await output}");
        }

        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Runs one of the solution's own programs (built beside the tests) with <c>dotnet</c>.</summary>
    public static Task<Result> RunDotnetProgramAsync(string assemblyName, IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll"), .. arguments], timeout);

    /// <summary>Finds python3, or fails the test with a clear message (CI installs it; see .ci/run).</summary>
    public static string Python()
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
        {
            string candidate = Path.Combine(directory, "python3");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("python3 is needed for the interoperability tests: install it (apt-get install python3).");
    }

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Python", name);

    public static string Lines(params IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        foreach (string line in lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }
}
