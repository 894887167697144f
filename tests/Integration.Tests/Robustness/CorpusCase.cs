using System.Text.RegularExpressions;
using IotSquares.Integration.Tests.Support;
using static IotSquares.Integration.Tests.Robustness.ByteText;

namespace IotSquares.Integration.Tests.Robustness;

/// <summary>How a case's reply is compared with what it expects.</summary>
internal enum Expect
{
    /// <summary>The reply is exactly the expected text and the server closed the connection.</summary>
    Exactly,

    /// <summary>The reply matches the expected regular expression and the server closed the connection.</summary>
    Pattern,
}

/// <summary>What the client saw: the bytes (one char per byte), whether the server closed, and a note.</summary>
internal sealed record Observed(string Reply, bool Closed, string? Note = null);

internal sealed record CorpusCase(string Name, string Sent, string Expected, Expect How, Func<ServerProcess, Task<Observed>> Run)
{
    /// <summary>Null when the observation is what the protocol says; otherwise what is wrong.</summary>
    public string? Check(Observed observed)
    {
        bool matches = How == Expect.Pattern
            ? Regex.IsMatch(observed.Reply, Expected, RegexOptions.None, TimeSpan.FromSeconds(10))
            : observed.Reply == Expected;
        if (!matches)
        {
            return $"expected {Show(Bytes(Expected))}, got {Show(Bytes(observed.Reply))}" + (observed.Note is null ? string.Empty : $" ({observed.Note})");
        }

        return observed.Closed ? null : "the connection was not closed as expected" + (observed.Note is null ? string.Empty : $" ({observed.Note})");
    }
}

internal sealed record CaseResult(string Name, string Sent, string Expected, Observed Observed, bool Passed, string? Problem, TimeSpan Elapsed);
