namespace IotSquares.Server.Systemd;

/// <summary>The notifier when no service manager asked for notifications: ignores everything.</summary>
public sealed class NoServiceNotifier : IServiceNotifier
{
    /// <summary>The one instance.</summary>
    public static NoServiceNotifier Instance { get; } = new();

    private NoServiceNotifier()
    {
    }

    /// <inheritdoc />
    public bool IsEnabled => false;

    /// <inheritdoc />
    public void Notify(string state)
    {
    }
}
