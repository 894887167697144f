namespace IotSquares.Protocol.Wire;

/// <summary>What <see cref="LineFramer.TryReadLine"/> found in a buffer.</summary>
public enum LineStatus
{
    /// <summary>No terminator yet and still within the limit: read more bytes.</summary>
    Incomplete,

    /// <summary>A whole line was taken from the buffer.</summary>
    Complete,

    /// <summary>The line is longer than the limit; framing is lost.</summary>
    TooLong,
}
