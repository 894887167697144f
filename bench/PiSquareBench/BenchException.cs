namespace IotSquares.Bench;

/// <summary>A scenario could not be run or measured; the message says why, for the report.</summary>
internal sealed class BenchException : Exception
{
    public BenchException()
    {
    }

    public BenchException(string message)
        : base(message)
    {
    }

    public BenchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
