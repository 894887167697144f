using System.Globalization;
using IotSquares.Indicators.State;

namespace IotSquares.Indicators.Layout;

/// <summary>
/// Turns a state into the text lines of a character grid: 8 rows (OLED 128x64), 4 rows (LCD 20x4,
/// OLED 128x32) or 2 rows (LCD 16x2). Every line is at most <c>columns</c> characters.
/// </summary>
public static class DisplayLayout
{
    /// <summary>The lines to show, exactly <paramref name="rows"/> of them, each fitted to <paramref name="columns"/>.</summary>
    /// <param name="state">What to show.</param>
    /// <param name="columns">Characters per line.</param>
    /// <param name="rows">Lines on the display.</param>
    /// <param name="ellipsis">The display's "left out" mark for shortened numbers.</param>
    public static string[] Lines(IndicatorState state, int columns, int rows, string ellipsis = "…")
    {
        ArgumentNullException.ThrowIfNull(state);
        string[] lines = rows switch
        {
            >= 8 => Tall(state, columns, ellipsis),
            >= 4 => Medium(state, columns, ellipsis),
            >= 2 => Short(state, columns, ellipsis),
            _ => [StageText(state)],
        };
        var fitted = new string[rows];
        for (int i = 0; i < rows; i++)
        {
            string line = i < lines.Length ? lines[i] : "";
            fitted[i] = line.Length <= columns ? line : line[..columns];
        }

        return fitted;
    }

    private static string[] Tall(IndicatorState s, int columns, string ellipsis)
    {
        string[] pair = PairTwoLines(s, columns, ellipsis);
        return
        [
            RoleLine(s, columns, ellipsis),
            StageLine(s),
            s.Role == IndicatorRole.Server ? $"clients {s.Connections}" : (s.Connections > 0 ? "connected" : "not connected"),
            pair[0],
            pair[1],
            $"count {s.Count}",
            $"rate {RateText(s.Rate)}",
            $"errors {s.Errors}",
        ];
    }

    private static string[] Medium(IndicatorState s, int columns, string ellipsis) =>
    [
        RoleLine(s, columns, ellipsis),
        StageLine(s),
        PairOneLine(s, columns, ellipsis),
        $"#{s.Count} {RateText(s.Rate)} err {s.Errors}",
    ];

    private static string[] Short(IndicatorState s, int columns, string ellipsis) =>
    [
        s.Errors > 0 ? $"{StageText(s)} #{s.Count} E{s.Errors}" : $"{StageText(s)} #{s.Count}",
        PairOneLine(s, columns, ellipsis),
    ];

    // The role word gives way to the address when both do not fit: the address is what a person checks.
    private static string RoleLine(IndicatorState s, int columns, string ellipsis)
    {
        string full = (s.Role == IndicatorRole.Server ? "SERVER " : "CLIENT ") + s.Endpoint;
        if (full.Length <= columns)
        {
            return full;
        }

        return s.Endpoint.Length <= columns ? s.Endpoint : ellipsis + s.Endpoint[^(columns - ellipsis.Length)..];
    }

    private static string StageLine(IndicatorState s)
    {
        string stage = StageText(s);
        if (s.Reconnecting)
        {
            return $"{stage} retry {s.ReconnectAttempt}";
        }

        return s.Dialect.Length > 0 && s.Stage != HandshakeStage.Waiting ? $"{stage} {s.Dialect}" : stage;
    }

    private static string StageText(IndicatorState s) => s switch
    {
        { Finished: true, Succeeded: false } => "FAILED",
        { Finished: true } => "DONE",
        { Stopping: true } => "STOPPING",
        { Stage: HandshakeStage.Waiting } => "WAITING",
        { Stage: HandshakeStage.Greeting } => "GREETING",
        { Stage: HandshakeStage.Ready } => "READY",
        _ => "GOODBYE",
    };

    private static string PairOneLine(IndicatorState s, int columns, string ellipsis)
    {
        if (s.LatestValue.Length == 0)
        {
            return "";
        }

        string full = $"{s.LatestValue} -> {s.LatestSquare}";
        if (full.Length <= columns)
        {
            return full;
        }

        int rest = columns - s.LatestValue.Length - 4;
        return rest >= 9
            ? $"{s.LatestValue} -> {NumberShortener.Shorten(s.LatestSquare, rest, ellipsis)}"
            : "= " + NumberShortener.Shorten(s.LatestSquare, columns - 2, ellipsis);
    }

    private static string[] PairTwoLines(IndicatorState s, int columns, string ellipsis)
    {
        string full = PairOneLine(s, columns, ellipsis);
        if (full.Length == 0 || !full.Contains(ellipsis, StringComparison.Ordinal) && !full.StartsWith("= ", StringComparison.Ordinal))
        {
            return [full, ""];
        }

        return
        [
            NumberShortener.Shorten(s.LatestValue, columns - 3, ellipsis) + " ->",
            NumberShortener.Shorten(s.LatestSquare, columns, ellipsis),
        ];
    }

    private static string RateText(double rate) => rate >= 10
        ? rate.ToString("0", CultureInfo.InvariantCulture) + "/s"
        : rate.ToString("0.#", CultureInfo.InvariantCulture) + "/s";
}
