using System.Diagnostics;

namespace IotSquares.Server.Diagnostics;

/// <summary>
/// Faults injected on purpose, to prove that the watchdog notices a hung server. Debug builds only:
/// the calls are compiled out of Release (and so out of every published binary). Set
/// <c>PISQUARE_DEBUG_HANG=accept</c> to hang the accept loop after its next connection, or
/// <c>PISQUARE_DEBUG_HANG=connection</c> to hang a connection's loop on its first read; the thread
/// then sleeps for ten minutes while its loop counts as busy.
/// </summary>
internal static class DebugFaults
{
    /// <summary>The environment variable that names the loop to hang.</summary>
    public const string Variable = "PISQUARE_DEBUG_HANG";

    private static readonly TimeSpan HangTime = TimeSpan.FromMinutes(10);

    private static readonly string? HangPoint = Environment.GetEnvironmentVariable(Variable);

    /// <summary>Blocks this thread when <paramref name="point"/> is the loop named in <see cref="Variable"/>.</summary>
    [Conditional("DEBUG")]
    public static void HangIf(string point)
    {
        if (string.Equals(HangPoint, point, StringComparison.Ordinal))
        {
            Thread.Sleep(HangTime);
        }
    }
}
