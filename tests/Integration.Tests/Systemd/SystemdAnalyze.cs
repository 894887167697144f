using System.Globalization;
using System.Text.RegularExpressions;
using IotSquares.Integration.Tests.Support;

namespace IotSquares.Integration.Tests.Systemd;

/// <summary>Runs the real <c>systemd-analyze</c> on the unit files in deploy/systemd/.</summary>
internal static partial class SystemdAnalyze
{
    /// <summary>Where systemd-analyze is, or null when it is not installed.</summary>
    public static string? Path { get; } = Find();

    /// <summary>The repository's deploy/systemd/ folder, found upwards from the test binaries.</summary>
    public static string UnitFolder { get; } = FindUnitFolder();

    /// <summary>The binaries the units start, which <c>verify</c> insists exist and are executable.</summary>
    public static readonly string[] ExecutablePaths = ["/opt/pisquare/bin/PiSquareServer", "/opt/pisquare/bin/PiSquareClient"];

    /// <summary>
    /// <c>systemd-analyze verify --root=R /etc/systemd/system/UNIT</c>, where R is a throwaway root holding
    /// this machine's own units (so that dependencies such as network-online.target resolve), the unit, and
    /// stand-in executables at the paths the unit starts. Returns the exit code and everything printed.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> VerifyAsync(string unitText, string unitName)
    {
        string root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"pisquare-verify-{Guid.NewGuid():N}");
        try
        {
            CopyDirectory(SystemUnitFolder(), System.IO.Path.Combine(root, "usr/lib/systemd/system"));
            string units = Directory.CreateDirectory(System.IO.Path.Combine(root, "etc/systemd/system")).FullName;
            await File.WriteAllTextAsync(System.IO.Path.Combine(units, unitName), unitText);
            foreach (string executable in ExecutablePaths)
            {
                string standIn = System.IO.Path.Combine(root, executable.TrimStart('/'));
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(standIn)!);
                await File.WriteAllTextAsync(standIn, "#!/bin/sh\nexit 0\n");
                if (OperatingSystem.IsLinux())
                {
                    File.SetUnixFileMode(standIn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            ProcessRunner.Result result = await ProcessRunner.RunAsync(Path!, ["verify", "--root=" + root, "/etc/systemd/system/" + unitName]);
            return (result.ExitCode, (result.Output + result.Error).Trim());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary><c>systemd-analyze security --offline=true UNITFILE</c>: the overall exposure, 0.0 (best) to 10.0.</summary>
    public static async Task<(double Exposure, string Output)> SecurityAsync(string unitFile)
    {
        ProcessRunner.Result result = await ProcessRunner.RunAsync(Path!, ["security", "--offline=true", "--no-pager", unitFile]);
        Match overall = OverallExposure().Match(result.Output);
        Assert.True(overall.Success, $"no overall exposure in the output (exit {result.ExitCode}):\n{result.Output}\n{result.Error}");
        return (double.Parse(overall.Groups[1].Value, CultureInfo.InvariantCulture), result.Output);
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Combine(d, "systemd-analyze"))
            .FirstOrDefault(File.Exists);

    private static readonly string[] SystemUnitFolders = ["/usr/lib/systemd/system", "/lib/systemd/system"];

    private static string SystemUnitFolder() =>
        SystemUnitFolders.FirstOrDefault(Directory.Exists)
            ?? throw new InvalidOperationException("no /usr/lib/systemd/system: is the systemd package installed?");

    private static string FindUnitFolder()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "deploy", "systemd");
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "IotSquares.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("deploy/systemd/ not found above " + AppContext.BaseDirectory);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
        {
            // Symbolic links (aliases, masks to /dev/null) are copied as links; verify follows them inside the root.
            var info = new FileInfo(file);
            string target = System.IO.Path.Combine(to, info.Name);
            if (info.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(target, link);
            }
            else
            {
                info.CopyTo(target);
            }
        }

        foreach (string directory in Directory.EnumerateDirectories(from))
        {
            CopyDirectory(directory, System.IO.Path.Combine(to, System.IO.Path.GetFileName(directory)));
        }
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+\.\d+)")]
    private static partial Regex OverallExposure();
}
