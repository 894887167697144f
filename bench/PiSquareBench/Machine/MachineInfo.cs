using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace IotSquares.Bench.Machine;

/// <summary>The machine a run measured: what the report prints above the figures.</summary>
internal sealed record MachineInfo
{
    /// <summary>The CPU model from /proc/cpuinfo.</summary>
    public required string CpuModel { get; init; }

    /// <summary>Logical processors this process may use.</summary>
    public required int Cores { get; init; }

    /// <summary>The kernel release.</summary>
    public required string Kernel { get; init; }

    /// <summary>The .NET runtime the tool (and the server it starts) runs on.</summary>
    public required string DotNet { get; init; }

    /// <summary>Total memory, MiB.</summary>
    public required long MemoryMiB { get; init; }

    /// <summary>gcc's version line, for the native peers.</summary>
    public required string Gcc { get; init; }

    /// <summary>The Python that runs the textbook's server.</summary>
    public required string Python { get; init; }

    /// <summary>The open-files limit (soft/hard) after the tool raised it.</summary>
    public required string OpenFiles { get; init; }

    /// <summary>When the run started (UTC, ISO 8601).</summary>
    public required string Date { get; init; }

    /// <summary>Load averages when the run started.</summary>
    public required string LoadAtStart { get; init; }

    /// <summary>Load averages when it ended.</summary>
    public string LoadAtEnd { get; set; } = string.Empty;

    /// <summary>Reads everything but the end load.</summary>
    public static MachineInfo Read(string python)
    {
        (ulong Soft, ulong Hard)? files = NativeMethods.OpenFilesLimit();
        return new MachineInfo
        {
            CpuModel = CpuModelName(),
            Cores = Environment.ProcessorCount,
            Kernel = ReadFirstLine("/proc/sys/kernel/osrelease") ?? RuntimeInformation.OSDescription,
            DotNet = RuntimeInformation.FrameworkDescription + " " + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
            MemoryMiB = MemTotalMiB(),
            Gcc = FirstLineOf("gcc", "--version"),
            Python = FirstLineOf(python, "--version"),
            OpenFiles = files is (ulong soft, ulong hard) ? string.Create(CultureInfo.InvariantCulture, $"{soft}/{hard}") : "unknown",
            Date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
            LoadAtStart = ProcStats.LoadAverage(),
        };
    }

    private static string CpuModelName()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                // x86 says "model name"; some ARM kernels say "Model" or only "Hardware".
                if (line.StartsWith("model name", StringComparison.Ordinal) || line.StartsWith("Model", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }

        return "unknown";
    }

    private static long MemTotalMiB()
    {
        try
        {
            string? line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string? ReadFirstLine(string path)
    {
        try
        {
            return File.ReadLines(path).FirstOrDefault()?.Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string FirstLineOf(string program, string argument)
    {
        try
        {
            var info = new ProcessStartInfo(program, argument) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using Process? process = Process.Start(info);
            if (process is null)
            {
                return "not found";
            }

            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(10_000))
            {
                process.Kill(entireProcessTree: true);
                return "did not answer";
            }

            string text = output.Result.Length > 0 ? output.Result : error.Result;
            return text.Split('\n', 2)[0].Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not found";
        }
    }
}
