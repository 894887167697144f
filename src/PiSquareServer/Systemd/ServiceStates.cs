namespace IotSquares.Server.Systemd;

/// <summary>The sd_notify messages the server sends (see sd_notify(3)).</summary>
public static class ServiceStates
{
    /// <summary>Start-up is finished: the listening sockets are bound (<c>Type=notify</c> becomes active).</summary>
    public const string Ready = "READY=1";

    /// <summary>A stop has begun; the drain that follows may take up to the shutdown timeout.</summary>
    public const string Stopping = "STOPPING=1";

    /// <summary>A keep-alive for <c>WatchdogSec=</c>: the server is still making progress.</summary>
    public const string Watchdog = "WATCHDOG=1";

    /// <summary>A one-line status for <c>systemctl status</c>; line breaks would end the message, so they become spaces.</summary>
    public static string Status(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return "STATUS=" + text.ReplaceLineEndings(" ");
    }
}
