using System.Numerics;
using IotSquares.Indicators.Hd44780;
using IotSquares.Indicators.Layout;
using IotSquares.Indicators.Ssd1306;
using IotSquares.Indicators.State;
using IotSquares.Indicators.Testing;
using IotSquares.Indicators.Tests.Support;
using IotSquares.Protocol.Events;
using Microsoft.Extensions.Time.Testing;

namespace IotSquares.Indicators.Tests;

/// <summary>
/// The pictures in docs/wiring.md are the decoded output of our drivers for each state. This test fails
/// when a picture is stale; run it with IOTSQUARES_UPDATE_DOCS=1 to write them anew.
/// </summary>
public sealed class DocsPicturesTests
{
    public static TheoryData<string> Pictures => new(
        "server-waiting", "server-greeting", "server-ready", "server-long-number", "server-done",
        "client-reconnecting", "client-done", "client-failed", "oled-128x32-ready", "lcd-16x2-ready", "lcd-20x4-ready");

    [Theory]
    [MemberData(nameof(Pictures))]
    public void The_picture_in_the_docs_is_what_the_display_shows(string name)
    {
        string svg = Render(name);
        string path = Path.Combine(Repository.Root, "docs", "pictures", name + ".svg");
        if (Environment.GetEnvironmentVariable("IOTSQUARES_UPDATE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, svg);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the test with IOTSQUARES_UPDATE_DOCS=1");
        Assert.Equal(File.ReadAllText(path), svg);
    }

    private static string Render(string name)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using IndicatorStateStore store = name.StartsWith("client", StringComparison.Ordinal)
            ? new IndicatorStateStore(IndicatorRole.Client, "192.168.1.20:50007", time)
            : new IndicatorStateStore(IndicatorRole.Server, "*:50007", time);
        Play(name, store, time);
        if (name.StartsWith("lcd", StringComparison.Ordinal))
        {
            (int columns, int rows) = name.Contains("16x2", StringComparison.Ordinal) ? (16, 2) : (20, 4);
            var lcd = new Hd44780Decoder(columns, rows);
            using var display = new Hd44780Display(new RecordingI2cDevice(m => lcd.Feed(m), address: 0x27), columns, rows);
            display.Initialize();
            display.Show(DisplayLayout.Lines(store.Current, columns, rows, display.Ellipsis));
            return FrameSvg.Lcd(lcd.Lines(), columns);
        }

        var chip = new Ssd1306Decoder();
        using var oled = new Ssd1306Display(new RecordingI2cDevice(m => chip.Message(m)), 128, name.Contains("128x32", StringComparison.Ordinal) ? 32 : 64);
        oled.Initialize();
        oled.Show(DisplayLayout.Lines(store.Current, oled.Columns, oled.Rows, oled.Ellipsis));
        return FrameSvg.Oled(chip.VisibleFrame());
    }

    private static void Play(string name, IndicatorStateStore store, FakeTimeProvider time)
    {
        if (store.Current.Role == IndicatorRole.Server)
        {
            store.Listening("*:50007");
        }
        else
        {
            store.Connecting("192.168.1.20:50007", 1);
        }

        if (name.EndsWith("waiting", StringComparison.Ordinal))
        {
            return;
        }

        store.ConnectionOpened(Conversation.First);
        if (name.EndsWith("greeting", StringComparison.Ordinal))
        {
            return;
        }

        store.HandshakeCompleted(Conversation.First, Protocol.Dialect.Framed, 1);
        for (int i = 0; i < 100; i++)
        {
            store.SquareServed(Conversation.First, i, i * i, i + 1);
            time.Advance(TimeSpan.FromMilliseconds(25));
            if (i == 47 && name.EndsWith("ready", StringComparison.Ordinal))
            {
                return;
            }
        }

        if (name.EndsWith("long-number", StringComparison.Ordinal))
        {
            BigInteger big = BigInteger.Parse("1234567890123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture);
            store.SquareServed(Conversation.First, big, big * big, 101);
        }
        else if (name.EndsWith("reconnecting", StringComparison.Ordinal))
        {
            store.ConnectionClosed(Conversation.First, CloseReason.ConnectionLost, 100);
            store.Reconnecting("connection reset by the server", TimeSpan.FromSeconds(1), 2, 5, 4);
        }
        else if (name.EndsWith("done", StringComparison.Ordinal))
        {
            Conversation.Goodbye(store, Conversation.First, 100);
            store.Stopping();
            store.Finished(true, "100 squares");
        }
        else if (name.EndsWith("failed", StringComparison.Ordinal))
        {
            store.ConnectionClosed(Conversation.First, CloseReason.ConnectionLost, 100);
            store.Finished(false, "gave up after 5 reconnects");
        }
    }
}
