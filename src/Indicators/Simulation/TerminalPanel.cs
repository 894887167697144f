using System.Text;
using IotSquares.Indicators.Graphics;
using IotSquares.Indicators.Leds;

namespace IotSquares.Indicators.Simulation;

/// <summary>
/// Draws what a person would see on the Pi (<see cref="PanelPicture"/>) in the terminal, in a region of its
/// own: the bottom rows of the screen are reserved for the panel and the program's output scrolls above
/// them (a scrolling region, DECSTBM), so neither overwrites the other. When the program ends, the region is
/// released and the final panel stays on the screen, where later output scrolls it away like any text. A
/// terminal too small for the panel gets the final panel once, printed at the end.
/// </summary>
public sealed class TerminalPanel : IDisposable
{
    /// <summary>Rows left for the program's own output at least; fewer, and the panel is only drawn at the end.</summary>
    public const int MinOutputRows = 6;

    private readonly TextWriter _out;
    private readonly Func<(int Columns, int Rows)> _size;
    private readonly Lock _gate = new();
    private readonly bool[] _leds = new bool[3];
    private PanelContent _content;
    private Mode _mode;
    private int _screenRows;
    private int _panelRows;
    private EventHandler? _onExit;

    /// <summary>Paints on <paramref name="output"/>, starting from <paramref name="initial"/> (the display blank, the LEDs dark).</summary>
    /// <param name="output">The terminal.</param>
    /// <param name="initial">The panel's title, display and LEDs; its size is the size of the reserved region.</param>
    /// <param name="terminalSize">The terminal's columns and rows (the console's window by default).</param>
    public TerminalPanel(TextWriter output, PanelContent initial, Func<(int Columns, int Rows)>? terminalSize = null)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _out = output;
        _content = initial with { LedsOn = _leds };
        _size = terminalSize ?? ConsoleSize;
    }

    private enum Mode
    {
        NotStarted,
        Live,
        AtEnd,
        Finished,
    }

    /// <summary>Whether painting makes sense: a real terminal, not under systemd (INVOCATION_ID, JOURNAL_STREAM).</summary>
    public static bool Available() =>
        !Console.IsOutputRedirected
        && Environment.GetEnvironmentVariable("INVOCATION_ID") is null
        && Environment.GetEnvironmentVariable("JOURNAL_STREAM") is null
        && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");

    /// <summary>The panel as it stands: the lines a person sees.</summary>
    public IReadOnlyList<string> Current
    {
        get
        {
            lock (_gate)
            {
                return PanelPicture.Lines(_content with { LedsOn = [.. _leds] });
            }
        }
    }

    /// <summary>An OLED frame was sent to the display (copied: the driver goes on drawing into its own).</summary>
    public void Frame(MonoFrameBuffer frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var copy = new MonoFrameBuffer(frame.Width, frame.Height);
        copy.CopyFrom(frame);
        lock (_gate)
        {
            _content = _content with { Frame = copy };
            Paint(ledsOnly: false);
        }
    }

    /// <summary>An LCD shows these rows now.</summary>
    public void Text(IReadOnlyList<string> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        lock (_gate)
        {
            _content = _content with { Text = [.. rows] };
            Paint(ledsOnly: false);
        }
    }

    /// <summary>An LED changed.</summary>
    public void Led(IndicatorLed led, bool on)
    {
        lock (_gate)
        {
            _leds[(int)led] = on;
            Paint(ledsOnly: _content.Leds is not null);
        }
    }

    /// <summary>Leaves the final panel on the screen and gives the rows back to the program's output.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            IReadOnlyList<string> lines = PanelPicture.Lines(_content);
            var text = new StringBuilder();
            if (_mode == Mode.Live)
            {
                AppendRows(text, lines, 0);
                // Releasing the region puts the cursor home: go below the panel, so what follows scrolls it up.
                text.Append("\u001b[r").Append($"\u001b[{_screenRows};1H").Append('\n');
                AppDomain.CurrentDomain.ProcessExit -= _onExit;
            }
            else if (_mode != Mode.Finished)
            {
                foreach (string line in lines)
                {
                    text.Append(line).Append('\n');
                }
            }

            _mode = Mode.Finished;
            Write(text);
        }
    }

    private void Paint(bool ledsOnly)
    {
        if (_mode == Mode.NotStarted)
        {
            Start();
            ledsOnly = false;
        }

        if (_mode != Mode.Live)
        {
            return;
        }

        IReadOnlyList<string> lines = PanelPicture.Lines(_content);
        var text = new StringBuilder("\u001b7");
        AppendRows(text, lines, ledsOnly ? lines.Count - 1 : 0);
        text.Append("\u001b8");
        Write(text);
    }

    // Reserves the bottom rows: make room by scrolling (newlines), step back up, and set the scrolling region
    // above the panel; saving and restoring the cursor around it keeps the program's output where it was.
    private void Start()
    {
        IReadOnlyList<string> lines = PanelPicture.Lines(_content);
        (int columns, int rows) = _size();
        int width = lines.Max(PanelPicture.VisibleWidth);
        if (rows < lines.Count + MinOutputRows || columns < width + 1)
        {
            _mode = Mode.AtEnd;
            return;
        }

        _mode = Mode.Live;
        _screenRows = rows;
        _panelRows = lines.Count;
        var text = new StringBuilder();
        text.Append('\n', _panelRows).Append($"\u001b[{_panelRows}A");
        text.Append("\u001b7").Append($"\u001b[1;{rows - _panelRows}r").Append("\u001b8");
        Write(text);
        // A program that ends without disposing (an unhandled exception) must not leave the terminal's region set.
        _onExit = (_, _) => Write(new StringBuilder("\u001b7\u001b[r\u001b8"));
        AppDomain.CurrentDomain.ProcessExit += _onExit;
    }

    private void AppendRows(StringBuilder text, IReadOnlyList<string> lines, int from)
    {
        int top = _screenRows - _panelRows + 1;
        for (int i = from; i < Math.Min(lines.Count, _panelRows); i++)
        {
            text.Append($"\u001b[{top + i};1H\u001b[2K").Append(lines[i]);
        }
    }

    // One Write per paint: Console.Out is synchronized, so the program's own lines never land inside a paint.
    // Its standard error goes to the same screen: holding that writer's lock (a synchronized writer locks on
    // itself) keeps a warning from being printed while the cursor is inside the panel.
    private void Write(StringBuilder text)
    {
        if (text.Length == 0)
        {
            return;
        }

        TextWriter other = ReferenceEquals(_out, Console.Out) ? Console.Error : _out;
        lock (other)
        {
            _out.Write(text.ToString());
            _out.Flush();
        }
    }

    private static (int Columns, int Rows) ConsoleSize()
    {
        try
        {
            return (Console.WindowWidth, Console.WindowHeight);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }
}
