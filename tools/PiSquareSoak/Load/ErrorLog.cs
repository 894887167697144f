using System.Collections.Concurrent;

namespace IotSquares.Soak.Load;

/// <summary>One failed exchange, as kept for the report.</summary>
/// <param name="ElapsedSeconds">When it ended, from the start of the run.</param>
/// <param name="Client">The loop's number and profile, e.g. <c>#4 textbook</c>.</param>
/// <param name="ExitCode">The client's exit code (see ClientExitCodes); 0 when it claimed success but verified too few.</param>
/// <param name="Message">What the client said.</param>
/// <param name="Exchange">What was asked.</param>
internal sealed record ErrorRecord(double ElapsedSeconds, string Client, int ExitCode, string Message, string Exchange);

/// <summary>Counts failures by exit code and keeps the first few in full.</summary>
internal sealed class ErrorLog
{
    /// <summary>How many failures are kept in full.</summary>
    public const int Kept = 10;

    private readonly ConcurrentDictionary<int, long> _byExitCode = new();
    private readonly List<ErrorRecord> _first = [];
    private readonly Lock _gate = new();

    /// <summary>Failures by the client's exit code.</summary>
    public IReadOnlyDictionary<int, long> ByExitCode => new SortedDictionary<int, long>(_byExitCode);

    /// <summary>The first <see cref="Kept"/> failures.</summary>
    public IReadOnlyList<ErrorRecord> First
    {
        get
        {
            lock (_gate)
            {
                return [.. _first];
            }
        }
    }

    /// <summary>Records one failure.</summary>
    public void Add(ErrorRecord error)
    {
        ArgumentNullException.ThrowIfNull(error);
        _byExitCode.AddOrUpdate(error.ExitCode, 1, static (_, count) => count + 1);
        lock (_gate)
        {
            if (_first.Count < Kept)
            {
                _first.Add(error);
            }
        }
    }
}
