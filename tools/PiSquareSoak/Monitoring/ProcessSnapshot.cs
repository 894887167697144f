using System.Globalization;
using IotSquares.TestKit;

namespace IotSquares.Soak.Monitoring;

/// <summary>A process's memory, CPU time, threads and open files at one moment, read from /proc.</summary>
/// <param name="RssKilobytes">Resident set size (VmRSS).</param>
/// <param name="CpuTicks">User plus system CPU time so far, in clock ticks (utime + stime).</param>
/// <param name="Threads">Threads.</param>
/// <param name="OpenFiles">Open file descriptors (sockets included); null when /proc/&lt;pid&gt;/fd cannot be read.</param>
internal sealed record ProcessSnapshot(long RssKilobytes, long CpuTicks, int Threads, int? OpenFiles)
{
    /// <summary>Resident set size in MiB.</summary>
    public double RssMegabytes => RssKilobytes / 1024.0;

    /// <summary>Reads the process, or returns null when it is gone or /proc is not there (not Linux).</summary>
    public static ProcessSnapshot? Read(int pid)
    {
        string directory = pid == Environment.ProcessId ? "/proc/self" : string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}");
        try
        {
            long rss = 0;
            int threads = 0;
            foreach (string line in File.ReadLines(Path.Combine(directory, "status")))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = FirstNumber(line);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = (int)FirstNumber(line);
                }
            }

            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so
            // count fields from the last ')'. utime and stime are fields 14 and 15 of the whole line.
            string stat = File.ReadAllText(Path.Combine(directory, "stat"));
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long cpu = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);

            return new ProcessSnapshot(rss, cpu, threads, CountOpenFiles(directory));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Percent of one core used between <paramref name="earlier"/> and this snapshot.</summary>
    public double CpuPercentSince(ProcessSnapshot earlier, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return interval > TimeSpan.Zero
            ? (CpuTicks - earlier.CpuTicks) * 100.0 / LinuxProcessCalls.ClockTicksPerSecond / interval.TotalSeconds
            : 0;
    }

    private static int? CountOpenFiles(string directory)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(Path.Combine(directory, "fd")).Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long FirstNumber(string line)
    {
        ReadOnlySpan<char> rest = line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim();
        int end = rest.IndexOf(' ');
        return long.Parse(end < 0 ? rest : rest[..end], CultureInfo.InvariantCulture);
    }
}
