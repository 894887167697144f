using System.Runtime.InteropServices;

namespace IotSquares.Bench.Machine;

/// <summary>
/// The libc calls only the benchmark needs: the open-files limit for 1,000 connections. Signals and
/// clock ticks are in the shared <c>LinuxProcessCalls</c> (tools/Shared).
/// </summary>
internal static class NativeMethods
{
    private const int RlimitNoFile = 7;

    /// <summary>The soft and hard limits on open files (<c>ulimit -n</c>), or null where they cannot be read.</summary>
    public static (ulong Soft, ulong Hard)? OpenFilesLimit()
    {
        try
        {
            return GetRLimit(RlimitNoFile, out RLimit limit) == 0 ? (limit.Current, limit.Maximum) : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Raises the soft limit on open files to <paramref name="wanted"/> (at most the hard limit); true if it is now at least that.</summary>
    public static bool TryRaiseOpenFilesLimit(ulong wanted)
    {
        if (OpenFilesLimit() is not (ulong soft, ulong hard))
        {
            return false;
        }

        if (soft >= wanted)
        {
            return true;
        }

        var raised = new RLimit { Current = Math.Min(wanted, hard), Maximum = hard };
        try
        {
            return SetRLimit(RlimitNoFile, ref raised) == 0 && raised.Current >= wanted;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetRLimit(int resource, out RLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetRLimit(int resource, ref RLimit limit);

    // struct rlimit { rlim_t rlim_cur; rlim_t rlim_max; } with a 64-bit rlim_t (x64, arm64).
    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
