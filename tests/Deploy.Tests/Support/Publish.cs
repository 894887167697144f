namespace IotSquares.Deploy.Tests.Support;

/// <summary>Runs publish.ps1 with PowerShell from the repository's local tool manifest (`dotnet pwsh`).</summary>
public static class Publish
{
    private static readonly Lazy<string?> Missing = new(FindMissing);

    /// <summary>Why publish.ps1 cannot run here, or null when it can.</summary>
    public static string? WhyNot => Missing.Value;

    public static Task<ProcessRunner.Result> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync(
            "dotnet",
            ["pwsh", "-NoLogo", "-NoProfile", "-NonInteractive", "-File", Repository.PublishScript, .. arguments],
            timeout ?? TimeSpan.FromMinutes(10),
            Repository.Root);

    private static string? FindMissing()
    {
        try
        {
            ProcessRunner.Result result = ProcessRunner.RunAsync(
                "dotnet", ["pwsh", "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", "$PSVersionTable.PSVersion.Major"],
                TimeSpan.FromMinutes(2), Repository.Root).GetAwaiter().GetResult();
            return result.ExitCode == 0 && result.Output.Trim() == "7"
                ? null
                : $"`dotnet pwsh` does not run PowerShell 7 (run `dotnet tool restore`): {result.Error.Trim()}";
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return $"`dotnet pwsh` cannot run (run `dotnet tool restore`): {e.Message}";
        }
    }
}
