using IotSquares.Indicators.Leds;
using IotSquares.Indicators.Rendering;
using IotSquares.Indicators.State;
using IotSquares.Indicators.Tests.Support;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using Microsoft.Extensions.Time.Testing;

namespace IotSquares.Indicators.Tests;

/// <summary>
/// The LED table of docs/wiring.md, row by row, against what the code lights: each row's state is made
/// from the events, the LEDs are stepped through simulated time as the LED loop steps them, and what each
/// LED did is named in the table's words (off, steady, blinking fast, blinking slowly, a flash per square).
/// </summary>
public sealed class LedDocsTableTests
{
    private static readonly TimeSpan Tick = LedBench.Step;

    // Every row of the table has a scenario here, and every scenario a row: a new state must be documented.
    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["server listening, or client connecting / waiting for the server"] = new(IndicatorRole.Client, s => s.Connecting("127.0.0.1:50007", 1)),
        ["handshake in progress (greeting)"] = new(IndicatorRole.Client, s => s.ConnectionOpened(Conversation.First)),
        ["exchange running"] = new(IndicatorRole.Server, s => Conversation.Handshake(s, Conversation.First), Feed: true),
        ["goodbye (server: for 3 s, then steady again as it listens)"] = new(IndicatorRole.Server, s =>
        {
            Conversation.Handshake(s, Conversation.First);
            Conversation.Goodbye(s, Conversation.First, 0);
        }, Window: TimeSpan.FromSeconds(2.5)),
        ["client done, all squares verified; server stopping"] = new(IndicatorRole.Client, s => s.Finished(true, "100 of 100 squares verified")),
        ["client reconnecting"] = new(IndicatorRole.Client, s =>
        {
            Conversation.Handshake(s, Conversation.First);
            s.ConnectionClosed(Conversation.First, CloseReason.ConnectionLost, 0);
            s.Reconnecting("connection reset", TimeSpan.FromSeconds(1), 1, 5, 3);
        }, Skip: TimeSpan.FromSeconds(3.5)),
        ["an error: a refused request, a lost or timed-out connection"] = new(IndicatorRole.Server, s =>
        {
            Conversation.Handshake(s, Conversation.First);
            s.RequestRejected(Conversation.First, ProtocolError.For(ErrorCode.NotAnInteger));
        }, Window: TimeSpan.FromSeconds(5)),
        ["client run failed"] = new(IndicatorRole.Client, s =>
        {
            Conversation.Handshake(s, Conversation.First);
            s.Finished(false, "wrong square");
        }),
    };

    [Fact]
    public void Every_row_of_the_led_table_is_what_the_leds_do()
    {
        IReadOnlyList<string[]> rows = TableRows();
        Assert.Equal(Scenarios.Keys.Order(), rows.Select(r => r[0]).Order());
        foreach (string[] row in rows)
        {
            IReadOnlyList<LedFrame> frames = Run(Scenarios[row[0]]);
            foreach ((IndicatorLed led, int column) in new[] { (IndicatorLed.Status, 1), (IndicatorLed.Activity, 2), (IndicatorLed.Error, 3) })
            {
                string documented = row[column];
                if (documented == "as above")
                {
                    continue;
                }

                bool[] lit = [.. frames.Select(f => f.Get(led))];
                Assert.True(Matches(documented, lit), $"'{row[0]}': the docs say {led} is '{documented}', the code does {Describe(lit)}");
            }
        }
    }

    private static bool Matches(string documented, bool[] lit) => documented switch
    {
        "off" => lit.All(on => !on),
        "steady" => lit.All(on => on),
        "blinking fast, 4 a second" => Blinks(lit, TimeSpan.FromMilliseconds(125), perSecond: 4),
        "blinking slowly, 1 a second" => Blinks(lit, TimeSpan.FromMilliseconds(500), perSecond: 1),
        "one 40 ms flash per square, at most 12 a second however fast the squares go" =>
            Pulses(lit).All(p => p == LedAnimator.FlashLength) && Pulses(lit).Count >= 12 * lit.Length * Tick.TotalSeconds * 0.9
            && Pulses(lit).Count <= (12.5 * lit.Length * Tick.TotalSeconds) + 1,
        "steady for 3 s after the latest error" => Pulses(lit) is [var held] && held == LedAnimator.ErrorHold && lit[0],
        _ => throw new InvalidOperationException($"the LED table says '{documented}', a pattern this test does not know: add it here"),
    };

    // Whole on-periods of the expected length, about perSecond of them a second (a period cut by the window's ends is not counted).
    private static bool Blinks(bool[] lit, TimeSpan length, int perSecond)
    {
        List<TimeSpan> pulses = Pulses(lit);
        double seconds = lit.Length * Tick.TotalSeconds;
        return pulses.Count >= (perSecond * seconds) - 2 && pulses.Count <= (perSecond * seconds) + 1
            && pulses.Skip(1).SkipLast(1).All(p => (p - length).Duration() <= Tick);
    }

    private static List<TimeSpan> Pulses(bool[] lit)
    {
        var pulses = new List<TimeSpan>();
        int start = -1;
        for (int i = 0; i <= lit.Length; i++)
        {
            bool on = i < lit.Length && lit[i];
            if (on && start < 0)
            {
                start = i;
            }
            else if (!on && start >= 0)
            {
                pulses.Add((i - start) * Tick);
                start = -1;
            }
        }

        return pulses;
    }

    private static string Describe(bool[] lit) =>
        $"{Pulses(lit).Count} lit periods ({string.Join(", ", Pulses(lit).Take(6).Select(p => $"{p.TotalMilliseconds:0} ms"))}) in {lit.Length * Tick.TotalSeconds:0.0} s";

    private static List<LedFrame> Run(Scenario scenario)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = new IndicatorStateStore(scenario.Role, "127.0.0.1:50007", time);
        var animator = new LedAnimator();
        scenario.Make(store);
        var frames = new List<LedFrame>();
        long n = 0;
        TimeSpan skip = scenario.Skip ?? TimeSpan.Zero;
        TimeSpan window = scenario.Window ?? TimeSpan.FromSeconds(2);
        for (TimeSpan t = TimeSpan.Zero; t < skip + window; t += Tick)
        {
            if (scenario.Feed)
            {
                // A thousand squares a second: ten per LED tick.
                Conversation.Squares(store, Conversation.First, n, 10, n);
                n += 10;
            }

            LedFrame frame = animator.Compute(store.Current, time.GetUtcNow());
            if (t >= skip)
            {
                frames.Add(frame);
            }

            time.Advance(Tick);
        }

        return frames;
    }

    private static List<string[]> TableRows()
    {
        string wiring = File.ReadAllText(Path.Combine(Repository.Root, "docs", "wiring.md"));
        string table = wiring[wiring.IndexOf("| state | green (status) | yellow (activity) | red (error) |", StringComparison.Ordinal)..];
        return [.. table.Split('\n').Skip(2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray())];
    }

    private sealed record Scenario(IndicatorRole Role, Action<IndicatorStateStore> Make, bool Feed = false, TimeSpan? Skip = null, TimeSpan? Window = null);
}
