namespace IotSquares.Indicators.Display;

/// <summary>The display backend when there is none: shows nothing, costs nothing.</summary>
public sealed class NoDisplay : IIndicatorDisplay
{
    /// <inheritdoc />
    public int Columns => 21;

    /// <inheritdoc />
    public int Rows => 8;

    /// <inheritdoc />
    public string Ellipsis => "…";

    /// <inheritdoc />
    public void Initialize()
    {
    }

    /// <inheritdoc />
    public void Show(IReadOnlyList<string> lines)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
