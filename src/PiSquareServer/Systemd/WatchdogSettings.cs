using System.Globalization;

namespace IotSquares.Server.Systemd;

/// <summary>
/// The service manager's watchdog (unit <c>WatchdogSec=</c>): systemd sets <c>WATCHDOG_USEC</c> to the
/// timeout and <c>WATCHDOG_PID</c> to the process it expects the keep-alives from. Same rules as
/// sd_watchdog_enabled(3): no timeout, a bad one, or another process's PID means no watchdog.
/// </summary>
internal sealed record WatchdogSettings(TimeSpan Timeout)
{
    /// <summary>How often a keep-alive is due: half the timeout, as sd_watchdog_enabled(3) advises.</summary>
    public TimeSpan KeepAliveInterval => Timeout / 2;

    /// <summary>
    /// How long one loop may work on one thing before it counts as stuck: half the timeout, so a hang
    /// that starts right after a keep-alive still stops the next-but-one and systemd acts within 1.5 timeouts.
    /// </summary>
    public TimeSpan StuckAfter => Timeout / 2;

    /// <summary>Reads the settings from the environment; <see langword="null"/> when there is no watchdog for us.</summary>
    public static WatchdogSettings? FromEnvironment(Func<string, string?> environment, int processId)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!ulong.TryParse(environment("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out ulong microseconds) ||
            microseconds == 0 || microseconds > (ulong)TimeSpan.MaxValue.TotalMicroseconds)
        {
            return null;
        }

        string? pid = environment("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) &&
            (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int expected) || expected != processId))
        {
            return null; // Meant for another process (e.g. our parent's); not ours to answer.
        }

        return new WatchdogSettings(TimeSpan.FromMicroseconds(microseconds));
    }
}
