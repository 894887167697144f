using IotSquares.Indicators.Hd44780;
using IotSquares.Indicators.Testing;

namespace IotSquares.Indicators.Tests;

public sealed class Hd44780DisplayTests
{
    [Fact]
    public void The_second_line_of_a_16x2_reads_the_latest_square()
    {
        var lcd = new Hd44780Decoder(16, 2);
        using var display = new Hd44780Display(new RecordingI2cDevice(m => lcd.Feed(m), address: 0x27), 16, 2);

        display.Initialize();
        display.Show(["READY #8", "7 -> 49"]);

        Assert.True(lcd.FourBitMode);
        Assert.True(lcd.TwoLines);
        Assert.True(lcd.DisplayOn);
        Assert.True(lcd.BacklightOn);
        Assert.Equal("READY #8", lcd.Line(0).TrimEnd());
        Assert.Equal("7 -> 49", lcd.Line(1).TrimEnd());
    }

    [Fact]
    public void A_20x4_shows_all_four_rows_where_the_controller_puts_them()
    {
        var lcd = new Hd44780Decoder(20, 4);
        using var display = new Hd44780Display(new RecordingI2cDevice(m => lcd.Feed(m), address: 0x3F), 20, 4);
        string[] lines = ["SERVER *:50007", "READY framed/1", "99 -> 9801", "#100 12/s err 0"];

        display.Initialize();
        display.Show(lines);

        Assert.Equal(lines, lcd.Lines().Select(l => l.TrimEnd()));
    }

    [Fact]
    public void A_shorter_line_clears_the_end_of_the_longer_one_before_it()
    {
        var lcd = new Hd44780Decoder(16, 2);
        using var display = new Hd44780Display(new RecordingI2cDevice(m => lcd.Feed(m)), 16, 2);
        display.Initialize();
        display.Show(["GREETING", "99999 -> 9999800001"[..16]]);

        display.Show(["READY", "7 -> 49"]);

        Assert.Equal("READY           ", lcd.Line(0));
        Assert.Equal("7 -> 49         ", lcd.Line(1));
    }

    [Fact]
    public void Any_split_of_the_byte_stream_decodes_the_same()
    {
        var bytes = new List<byte>();
        using (var display = new Hd44780Display(new RecordingI2cDevice(bytes.AddRange), 16, 2))
        {
            display.Initialize();
            display.Show(["READY #3", "2 -> 4"]);
        }

        var whole = new Hd44780Decoder();
        whole.Feed(bytes.ToArray());
        var split = new Hd44780Decoder();
        var random = new Random(7);
        for (int i = 0; i < bytes.Count;)
        {
            int n = Math.Min(random.Next(1, 9), bytes.Count - i);
            split.Feed(bytes.GetRange(i, n).ToArray());
            i += n;
        }

        Assert.Equal("2 -> 4", whole.Line(1).TrimEnd());
        Assert.Equal(whole.Lines(), split.Lines());
    }
}
