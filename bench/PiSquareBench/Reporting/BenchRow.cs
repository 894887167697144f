using IotSquares.Bench.Load;

namespace IotSquares.Bench.Reporting;

/// <summary>One line of the report.</summary>
internal sealed record BenchRow
{
    /// <summary>The group's title.</summary>
    public required string Group { get; init; }

    /// <summary>The scenario id (stable, for scripts reading the JSON).</summary>
    public required string Id { get; init; }

    /// <summary>What ran against what.</summary>
    public required string Scenario { get; init; }

    /// <summary>The figure as printed.</summary>
    public required string Figure { get; init; }

    /// <summary>The figure the ratios and the target are computed on.</summary>
    public double? Value { get; init; }

    /// <summary>Its unit.</summary>
    public required string Unit { get; init; }

    /// <summary>Which row is the native reference.</summary>
    public string? NativeId { get; init; }

    /// <summary>Value over the native reference's.</summary>
    public double? VsNative { get; init; }

    /// <summary>For round trips: mean over the native reference's mean.</summary>
    public double? VsNativeMean { get; init; }

    /// <summary>How the × native cell is printed, when not the plain ratio.</summary>
    public string? NativeText { get; init; }

    /// <summary>Which row is the busy-poll floor.</summary>
    public string? FloorId { get; init; }

    /// <summary>Value over the floor's.</summary>
    public double? VsFloor { get; init; }

    /// <summary>For round trips: mean over the floor's mean.</summary>
    public double? VsFloorMean { get; init; }

    /// <summary>Value over the textbook Python baseline's.</summary>
    public double? VsBaseline { get; init; }

    /// <summary>The target, as printed ("—" for none).</summary>
    public required string Target { get; init; }

    /// <summary>True PASS, false MISS, null when there is no target or no figure.</summary>
    public bool? Pass { get; init; }

    /// <summary>Why there is no figure.</summary>
    public string? Error { get; init; }

    /// <summary>Extra detail.</summary>
    public string? Detail { get; init; }

    /// <summary>Round trips, for lockstep and concurrent rows.</summary>
    public Latency? Latency { get; init; }

    /// <summary>Squares per second, where there is a rate.</summary>
    public double? Rate { get; init; }

    /// <summary>PASS, MISS, ERROR or —.</summary>
    public string Result => Error is not null ? "ERROR" : Pass switch { true => "PASS", false => "MISS", null => "—" };
}
