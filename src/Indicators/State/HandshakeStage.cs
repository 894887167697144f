namespace IotSquares.Indicators.State;

/// <summary>Where the conversation is, as a person watching the Pi would name it.</summary>
public enum HandshakeStage
{
    /// <summary>Server listening with no client, or client connecting / waiting for the server.</summary>
    Waiting,

    /// <summary>A connection is open and the greeting is being exchanged.</summary>
    Greeting,

    /// <summary>The greeting is done: squares are being exchanged.</summary>
    Ready,

    /// <summary>The exchange ended (a goodbye, or the run finished).</summary>
    Goodbye,
}
