using IotSquares.Indicators.Display;
using IotSquares.Indicators.Leds;
using IotSquares.Indicators.Rendering;
using IotSquares.Indicators.Ssd1306;
using IotSquares.Indicators.State;
using IotSquares.Indicators.Testing;
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

    [Fact]
    public async Task A_bus_that_hangs_then_fails_mid_run_never_holds_the_exchange_is_logged_once_and_the_display_catches_up()
    {
        using var store = new IndicatorStateStore(IndicatorRole.Server, "*:50007", TimeProvider.System);
        var chip = new Ssd1306Decoder();
        var device = new RecordingI2cDevice(m =>
        {
            lock (chip)
            {
                chip.Message(m);
            }
        });
        var logger = new ListLogger();
        var renderer = new IndicatorRenderer(store, new Ssd1306Display(device, 128, 64), e => HardwareHints.ForI2c(e, 1, 0x3C),
            new NoLeds(), maxRefreshRate: 50, TimeProvider.System, logger);
        renderer.Start();
        Conversation.Handshake(store, Conversation.First);
        Conversation.Squares(store, Conversation.First, 0, 10);
        await WaitUntilAsync(() => Line(chip, 3) == "9 -> 81", "the first squares on the OLED");

        // The bus hangs inside a write (as a wedged I2C controller does), then answers with errno 121.
        using var entered = new ManualResetEventSlim();
        using var hung = new ManualResetEventSlim();
        device.Fault = () =>
        {
            entered.Set();
            hung.Wait(TimeSpan.FromMinutes(2));
            return RecordingI2cDevice.NoAnswer();
        };
        Conversation.Squares(store, Conversation.First, 10, 1, 10);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)), "the display loop never wrote to the bus");

        // The exchange's side (the observer) is not held by the hung bus: a thousand squares go through.
        await Task.Run(() => Conversation.Squares(store, Conversation.First, 11, 1000, 11)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1011, store.Current.Count);
        Assert.False(hung.IsSet);

        hung.Set();
        await WaitUntilAsync(() => logger.Warnings.Any(), "the warning");
        device.Fault = null;
        await WaitUntilAsync(() => Line(chip, 3) == "1010 -> 1020100", "the latest square after the bus recovered");
        await renderer.DisposeAsync();

        string warning = Assert.Single(logger.Warnings);
        Assert.Contains("errno 121", warning, StringComparison.Ordinal);
        Assert.Contains("i2cdetect -y 1", warning, StringComparison.Ordinal);
        Assert.Contains(logger.Lines, l => l.Text.Contains("answers again", StringComparison.Ordinal));
    }

    private static string Line(Ssd1306Decoder chip, int row)
    {
        lock (chip)
        {
            IReadOnlyList<string> lines = FrameTextReader.Lines(chip.VisibleFrame());
            return lines.Count > row ? lines[row] : "";
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"no {what} within 90 s");
            await Task.Delay(20);
        }
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
