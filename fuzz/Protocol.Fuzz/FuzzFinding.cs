namespace IotSquares.Protocol.Fuzz;

/// <summary>The library broke one of its promises for this input (not a crash of its own, but as bad).</summary>
internal sealed class FuzzFinding : Exception
{
    public FuzzFinding(string message)
        : base(message)
    {
    }

    public FuzzFinding()
    {
    }

    public FuzzFinding(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
