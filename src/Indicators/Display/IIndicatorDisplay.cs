namespace IotSquares.Indicators.Display;

/// <summary>
/// A small text display: an SSD1306 OLED, an HD44780 LCD, the terminal, or nothing. Called only from the
/// display's own render loop, never from the connection loop; it may block for as long as the bus takes.
/// </summary>
public interface IIndicatorDisplay : IDisposable
{
    /// <summary>Characters per line.</summary>
    int Columns { get; }

    /// <summary>Lines.</summary>
    int Rows { get; }

    /// <summary>How the display marks digits left out of a shortened number (<c>…</c> or <c>..</c>).</summary>
    string Ellipsis { get; }

    /// <summary>Sets the controller up (again, after an error); may throw <see cref="IOException"/> on a bus error.</summary>
    void Initialize();

    /// <summary>Shows exactly these lines (<see cref="Rows"/> of them, each at most <see cref="Columns"/>).</summary>
    void Show(IReadOnlyList<string> lines);
}
