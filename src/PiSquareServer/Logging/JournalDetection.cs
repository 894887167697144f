using System.Globalization;

namespace IotSquares.Server.Logging;

/// <summary>
/// Is standard output the systemd journal? systemd sets <c>JOURNAL_STREAM=&lt;device&gt;:&lt;inode&gt;</c>
/// for a service whose output goes to the journal; systemd.exec(5) asks programs to compare it with
/// their own standard output, because children inherit the variable even when their output goes elsewhere
/// (a test, a shell started from the service, a redirect). INVOCATION_ID alone says "started by systemd",
/// not "writing to the journal", so it does not decide the format.
/// </summary>
internal static class JournalDetection
{
    /// <summary>The variable systemd sets.</summary>
    public const string Variable = "JOURNAL_STREAM";

    /// <summary>
    /// True when <c>JOURNAL_STREAM</c> names the socket (or pipe) that standard output is. Where
    /// /proc cannot be read, the variable alone is trusted.
    /// </summary>
    public static bool StandardOutputIsJournal(string? journalStream, string standardOutputLink = "/proc/self/fd/1")
    {
        if (string.IsNullOrEmpty(journalStream))
        {
            return false;
        }

        int colon = journalStream.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !ulong.TryParse(journalStream.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out ulong inode))
        {
            return false;
        }

        string? target;
        try
        {
            target = new FileInfo(standardOutputLink).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }

        // "socket:[12345]" or "pipe:[12345]": the number is the inode. A path is a file or a terminal: not the journal.
        if (target is null || !target.EndsWith(']'))
        {
            return target is null;
        }

        int open = target.IndexOf('[', StringComparison.Ordinal);
        return open > 0 &&
            ulong.TryParse(target.AsSpan(open + 1, target.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out ulong actual) &&
            actual == inode;
    }
}
