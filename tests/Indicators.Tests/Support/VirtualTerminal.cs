using System.Text;

namespace IotSquares.Indicators.Tests.Support;

/// <summary>
/// A small screen that plays the escape sequences the terminal panel uses (cursor save/restore, absolute and
/// relative moves, erase line, the scrolling region, colours ignored), so a test can read what a person
/// would see on the screen after the program's output and the panel's paints are interleaved.
/// </summary>
internal sealed class VirtualTerminal : TextWriter
{
    private readonly char[][] _cells;
    private int _row;
    private int _column;
    private int _top;
    private int _bottom;
    private (int Row, int Column) _saved;

    public VirtualTerminal(int columns, int rows)
    {
        Columns = columns;
        Rows = rows;
        _cells = Enumerable.Range(0, rows).Select(_ => Blank()).ToArray();
        _bottom = rows - 1;
    }

    public int Columns { get; }

    public int Rows { get; }

    /// <summary>Lines that scrolled off the top of the whole screen.</summary>
    public List<string> Scrollback { get; } = [];

    public override Encoding Encoding => Encoding.UTF8;

    public bool RegionSet => _top != 0 || _bottom != Rows - 1;

    /// <summary>The screen, one string per row, trailing blanks removed.</summary>
    public IReadOnlyList<string> Screen => _cells.Select(r => new string(r).TrimEnd()).ToArray();

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        string text = value ?? "";
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\u001b')
            {
                i = Escape(text, i + 1);
            }
            else if (c == '\n')
            {
                LineFeed();
                _column = 0;
            }
            else if (c == '\r')
            {
                _column = 0;
            }
            else if (_column < Columns)
            {
                _cells[_row][_column++] = c;
            }
        }
    }

    private int Escape(string text, int at)
    {
        if (text[at] == '7')
        {
            _saved = (_row, _column);
            return at;
        }

        if (text[at] == '8')
        {
            (_row, _column) = _saved;
            return at;
        }

        int end = at + 1;
        while (!char.IsLetter(text[end]))
        {
            end++;
        }

        int[] n = text[(at + 1)..end].Split(';', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        switch (text[end])
        {
            case 'A':
                _row = Math.Max(_top, _row - (n.Length > 0 ? n[0] : 1));
                break;
            case 'H':
                (_row, _column) = (n[0] - 1, n[1] - 1);
                break;
            case 'K':
                _cells[_row] = Blank();
                break;
            case 'r':
                (_top, _bottom) = n.Length == 2 ? (n[0] - 1, n[1] - 1) : (0, Rows - 1);
                (_row, _column) = (0, 0);
                break;
        }

        return end;
    }

    private void LineFeed()
    {
        if (_row != _bottom)
        {
            _row = Math.Min(Rows - 1, _row + 1);
            return;
        }

        if (_top == 0)
        {
            Scrollback.Add(new string(_cells[0]).TrimEnd());
        }

        for (int r = _top; r < _bottom; r++)
        {
            _cells[r] = _cells[r + 1];
        }

        _cells[_bottom] = Blank();
    }

    private char[] Blank() => Enumerable.Repeat(' ', Columns).ToArray();
}
