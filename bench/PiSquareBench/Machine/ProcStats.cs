using System.Globalization;

namespace IotSquares.Bench.Machine;

/// <summary>What /proc says about one process: resident memory and CPU time.</summary>
internal static class ProcStats
{
    /// <summary>VmRSS of <paramref name="pid"/> in KiB, from /proc/&lt;pid&gt;/status; null if it cannot be read.</summary>
    public static long? ResidentKiB(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    string[] parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[1], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>utime + stime of <paramref name="pid"/> in clock ticks, from /proc/&lt;pid&gt;/stat; null if it cannot be read.</summary>
    public static long? CpuTicks(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state); utime is field 14, stime field 15.
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The 1-, 5- and 15-minute load averages, as /proc/loadavg gives them.</summary>
    public static string LoadAverage()
    {
        try
        {
            string[] parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(' ', parts.Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
