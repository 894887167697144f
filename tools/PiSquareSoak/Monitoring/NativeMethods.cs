using System.Runtime.InteropServices;

namespace IotSquares.Soak.Monitoring;

/// <summary>The two libc calls the tool needs on Linux.</summary>
internal static class NativeMethods
{
    /// <summary>SIGTERM: how systemd stops a service, and how the tool stops the server it started.</summary>
    public const int SigTerm = 15;

    // sysconf name for the clock ticks per second that /proc/<pid>/stat counts CPU time in.
    private const int ScClockTicks = 2;

    /// <summary>Clock ticks per second of /proc/&lt;pid&gt;/stat (100 on almost every Linux).</summary>
    public static long ClockTicksPerSecond { get; } = ReadClockTicks();

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; .NET itself can only SIGKILL.</summary>
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Kill(int pid, int signal);

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
