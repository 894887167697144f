namespace IotSquares.Server.Systemd;

/// <summary>
/// Tells the service manager how the service is doing (the sd_notify protocol: <c>READY=1</c>,
/// <c>STOPPING=1</c>, <c>STATUS=…</c>, <c>WATCHDOG=1</c>). A no-op when nobody listens, so callers
/// never have to ask whether they run under systemd.
/// </summary>
public interface IServiceNotifier
{
    /// <summary>Whether notifications go anywhere (<c>NOTIFY_SOCKET</c> was set).</summary>
    bool IsEnabled { get; }

    /// <summary>Sends one or more <c>KEY=value</c> lines; never throws (a lost notification is logged, not fatal).</summary>
    void Notify(string state);
}
