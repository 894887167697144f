using IotSquares.Bench.Machine;

namespace IotSquares.Bench.Reporting;

/// <summary>A whole run: the machine, what was measured with what, the rows, and notes.</summary>
internal sealed record BenchReport
{
    /// <summary>"quick" or "full".</summary>
    public required string Mode { get; init; }

    /// <summary>Always true: numbers from a shared machine are preliminary.</summary>
    public bool Preliminary { get; init; } = true;

    /// <summary>The machine.</summary>
    public required MachineInfo Machine { get; init; }

    /// <summary>The server measured (path).</summary>
    public required string Server { get; init; }

    /// <summary>Its build configuration (Release expected).</summary>
    public required string ServerConfiguration { get; init; }

    /// <summary>The native peers' folder.</summary>
    public required string NativePeers { get; init; }

    /// <summary>Sizes of the run.</summary>
    public required string Sizes { get; init; }

    /// <summary>Wall time of the whole run, seconds.</summary>
    public double Seconds { get; set; }

    /// <summary>The rows.</summary>
    public List<BenchRow> Rows { get; init; } = [];

    /// <summary>Notes (warnings, skipped scenarios, how figures were taken).</summary>
    public List<string> Notes { get; init; } = [];
}
