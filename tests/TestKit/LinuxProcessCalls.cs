using System.Runtime.InteropServices;

namespace IotSquares.TestKit;

/// <summary>
/// The libc calls the test and measurement tools need to handle a server process the way systemd does:
/// .NET can only SIGKILL a process, and /proc counts CPU time in clock ticks. Used by
/// the integration tests, the soak tool and the load benchmark.
/// </summary>
public static class LinuxProcessCalls
{
    /// <summary>SIGTERM: how systemd stops a service.</summary>
    public const int SigTerm = 15;

    // sysconf name for the clock ticks per second that /proc/<pid>/stat counts CPU time in.
    private const int ScClockTicks = 2;

    /// <summary>Clock ticks per second of /proc/&lt;pid&gt;/stat (100 on almost every Linux).</summary>
    public static long ClockTicksPerSecond { get; } = ReadClockTicks();

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; 0 on success.</summary>
    public static int Kill(int pid, int signal) => SysKill(pid, signal);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SysKill(int pid, int signal);

    [DllImport("libc", EntryPoint = "sysconf", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern long SysConf(int name);

    private static long ReadClockTicks()
    {
        try
        {
            long ticks = SysConf(ScClockTicks);
            return ticks > 0 ? ticks : 100;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100;
        }
    }
}
