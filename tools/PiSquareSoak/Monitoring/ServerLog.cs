using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace IotSquares.Soak.Monitoring;

/// <summary>
/// Reads the started server's log as it arrives: counts warnings and errors and how connections
/// closed, keeps the first problems and the last lines, and copies everything to a file if asked.
/// </summary>
internal sealed partial class ServerLog : IDisposable
{
    /// <summary>How many warning or error lines are kept in full.</summary>
    public const int KeptProblems = 10;

    private const int TailLength = 20;

    private readonly Lock _gate = new();
    private readonly Queue<string> _tail = new();
    private readonly List<string> _problems = [];
    private readonly ConcurrentDictionary<string, long> _closeReasons = new(StringComparer.Ordinal);
    private readonly StreamWriter? _copy;
    private long _lines;
    private long _warnings;
    private long _errors;

    /// <summary>Creates the reader; <paramref name="copyPath"/> receives every line when given.</summary>
    public ServerLog(string? copyPath)
    {
        if (copyPath is not null)
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(copyPath));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            _copy = new StreamWriter(copyPath, append: false) { AutoFlush = false };
        }
    }

    /// <summary>Lines read so far.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Lines logged at Warning.</summary>
    public long Warnings => Interlocked.Read(ref _warnings);

    /// <summary>Lines logged at Error or Critical.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Connections closed, by the reason the server logged.</summary>
    public IReadOnlyDictionary<string, long> CloseReasons => new SortedDictionary<string, long>(_closeReasons, StringComparer.Ordinal);

    /// <summary>The first <see cref="KeptProblems"/> warning or error lines.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_gate)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>The last lines read.</summary>
    public IReadOnlyList<string> Tail
    {
        get
        {
            lock (_gate)
            {
                return [.. _tail];
            }
        }
    }

    /// <summary>Takes one line of the server's standard output or error.</summary>
    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        Interlocked.Increment(ref _lines);
        if (ClosedLine().Match(line) is { Success: true } closed)
        {
            _closeReasons.AddOrUpdate(closed.Groups[1].Value, 1, static (_, count) => count + 1);
        }

        Match level = LevelPrefix().Match(line);
        bool problem = level.Success;
        if (problem)
        {
            Interlocked.Increment(ref level.Groups[1].ValueSpan is "warn" ? ref _warnings : ref _errors);
        }

        lock (_gate)
        {
            _copy?.WriteLine(line);
            if (problem && _problems.Count < KeptProblems)
            {
                _problems.Add(line);
            }

            _tail.Enqueue(line);
            if (_tail.Count > TailLength)
            {
                _tail.Dequeue();
            }
        }
    }

    /// <summary>Writes out what the copy holds so far.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            _copy?.Flush();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _copy?.Dispose();
        }
    }

    [GeneratedRegex(@": closed \((\w+)\)")]
    private static partial Regex ClosedLine();

    // The server's console log is one line per entry: "HH:mm:ss.fff warn: Category[id] text".
    [GeneratedRegex(@"^(?:\S+ )?(warn|fail|crit): ")]
    private static partial Regex LevelPrefix();
}
