using IotSquares.Protocol.Events;

namespace IotSquares.Protocol.Sessions;

/// <summary>What a session wants after it has handled the bytes it was given.</summary>
/// <param name="IsClosing">True when the connection must close once the output is flushed.</param>
/// <param name="Reason">Why it closes, when it does.</param>
public readonly record struct SessionStatus(bool IsClosing, CloseReason Reason)
{
    /// <summary>Keep reading.</summary>
    public static SessionStatus Open => default;

    /// <summary>Flush and close for <paramref name="reason"/>.</summary>
    public static SessionStatus Close(CloseReason reason) => new(true, reason);
}
