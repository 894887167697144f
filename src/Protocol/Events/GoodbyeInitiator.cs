namespace IotSquares.Protocol.Events;

/// <summary>Which side started a goodbye.</summary>
public enum GoodbyeInitiator
{
    /// <summary>The client said <c>BYE</c>; the server confirmed with its count.</summary>
    Client,

    /// <summary>The server said <c>BYE &lt;count&gt; server shutting down</c>.</summary>
    Server,
}
