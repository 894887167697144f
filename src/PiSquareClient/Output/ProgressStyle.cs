namespace IotSquares.Client.Output;

/// <summary>How much the client prints while it works.</summary>
public enum ProgressStyle
{
    /// <summary>Every square for short runs (100 or fewer); for longer ones, progress on a time basis (live on a terminal, every few seconds otherwise).</summary>
    Auto,

    /// <summary>Every square.</summary>
    Each,

    /// <summary>Only the greeting and the summary.</summary>
    Quiet,
}
