using IotSquares.Indicators.Display;
using IotSquares.Indicators.Leds;
using IotSquares.Indicators.Rendering;
using IotSquares.Indicators.State;
using IotSquares.Indicators.Tests.Support;

namespace IotSquares.Indicators.Tests;

public sealed class RenderLoopTests
{
    [Fact]
    public async Task Many_changes_coalesce_into_few_frames_and_the_latest_state_is_drawn()
    {
        using var store = new IndicatorStateStore(IndicatorRole.Server, "*:50007", TimeProvider.System);
        var display = new SlowDisplay();
        var renderer = new IndicatorRenderer(store, display, e => e.Message, new NoLeds(), maxRefreshRate: 20, TimeProvider.System, new ListLogger());
        renderer.Start();
        Conversation.Handshake(store, Conversation.First);
        var started = System.Diagnostics.Stopwatch.StartNew();

        Conversation.Squares(store, Conversation.First, 0, 20_000);
        TimeSpan feeding = started.Elapsed;
        await renderer.DisposeAsync();
        TimeSpan total = started.Elapsed;

        // One frame per change would be 20,000 frames of 5 ms each; at most 20 a second (plus the final one) are drawn.
        Assert.True(renderer.FramesDrawn <= (total.TotalSeconds * 20) + 3, $"{renderer.FramesDrawn} frames in {total}");
        Assert.Equal("19999 -> 399960001", display.Last[1]);
        Assert.True(feeding < TimeSpan.FromSeconds(20), $"feeding the store took {feeding}");
    }

    private sealed class SlowDisplay : IIndicatorDisplay
    {
        public int Columns => 20;

        public int Rows => 2;

        public string Ellipsis => "…";

        public IReadOnlyList<string> Last { get; private set; } = [];

        public void Initialize()
        {
        }

        public void Show(IReadOnlyList<string> lines)
        {
            Thread.Sleep(5);
            Last = lines;
        }

        public void Dispose()
        {
        }
    }
}
