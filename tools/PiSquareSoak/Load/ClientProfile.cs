using System.Globalization;
using IotSquares.Client;

namespace IotSquares.Soak.Load;

/// <summary>How one client loop speaks: its dialect mode and, for the framed dialect, its pipeline window.</summary>
/// <param name="Index">The loop's number, from 0.</param>
/// <param name="Dialect">framed, textbook or auto.</param>
/// <param name="Pipeline">Requests in flight; above 1 only for the framed dialect.</param>
internal sealed record ClientProfile(int Index, DialectChoice Dialect, int Pipeline)
{
    /// <summary>The pipeline windows the framed clients cycle through.</summary>
    public static IReadOnlyList<int> FramedWindows { get; } = [1, 8, 64];

    /// <summary>A short name such as <c>framed/64</c>, shared by every loop that speaks the same way.</summary>
    public string Name => Dialect == DialectChoice.Framed
        ? string.Create(CultureInfo.InvariantCulture, $"framed/{Pipeline}")
        : Dialect.ToString().ToLowerInvariant();

    /// <summary>
    /// Spreads the modes over the loops: framed, textbook, auto in turn, and the framed loops take the
    /// windows 1, 8, 64 in turn, so 16 clients are 6 framed (2 of each window), 5 textbook and 5 auto.
    /// </summary>
    public static ClientProfile For(int index)
    {
        DialectChoice dialect = (index % 3) switch
        {
            0 => DialectChoice.Framed,
            1 => DialectChoice.Textbook,
            _ => DialectChoice.Auto,
        };
        int window = dialect == DialectChoice.Framed ? FramedWindows[index / 3 % FramedWindows.Count] : 1;
        return new ClientProfile(index, dialect, window);
    }
}
