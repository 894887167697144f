namespace IotSquares.Client.Output;

/// <summary>How much the client prints while it works.</summary>
public enum ProgressStyle
{
    /// <summary>Every square for short runs (100 or fewer), every tenth of the way for longer ones.</summary>
    Auto,

    /// <summary>Every square.</summary>
    Each,

    /// <summary>Only the greeting and the summary.</summary>
    Quiet,
}
