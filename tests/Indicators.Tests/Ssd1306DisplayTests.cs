using IotSquares.Indicators.Ssd1306;
using IotSquares.Indicators.Testing;

namespace IotSquares.Indicators.Tests;

public sealed class Ssd1306DisplayTests
{
    [Theory]
    [InlineData(64, 8, 0x12)]
    [InlineData(32, 4, 0x02)]
    public void Set_up_matches_the_panel_height(int height, int rows, int comPins)
    {
        var chip = new Ssd1306Decoder();
        using var display = new Ssd1306Display(new RecordingI2cDevice(m => chip.Message(m)), 128, height);

        display.Initialize();

        Assert.True(chip.ChargePumpOn);
        Assert.True(chip.DisplayOn);
        Assert.Equal(height, chip.VisibleRows);
        Assert.Equal(comPins, chip.ComPins);
        Assert.Equal(0, chip.AddressingMode);
        Assert.Equal(rows, display.Rows);
        Assert.Equal(21, display.Columns);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(32)]
    public void The_decoded_pixels_read_back_as_the_lines_shown(int height)
    {
        var chip = new Ssd1306Decoder();
        using var display = new Ssd1306Display(new RecordingI2cDevice(m => chip.Message(m)), 128, height);
        string[] lines = ["SERVER *:50007", "READY framed/1", "clients 1", "7 -> 49", "1234…5678 (40 digits)", "count 8", "rate 12/s", "errors 0"];
        string[] shown = lines[..display.Rows];

        display.Initialize();
        display.Show(shown);

        Assert.Equal(shown, FrameTextReader.Lines(chip.VisibleFrame()));
    }

    [Fact]
    public void Only_the_pages_that_changed_are_sent_again()
    {
        var chip = new Ssd1306Decoder();
        var device = new RecordingI2cDevice(m => chip.Message(m));
        using var display = new Ssd1306Display(device, 128, 64);
        display.Initialize();
        display.Show(["a", "b", "c", "d", "e", "f", "g", "h"]);
        long dataBefore = chip.DataBytes;

        display.Show(["a", "b", "c", "X", "e", "f", "g", "h"]);

        Assert.Equal(128, chip.DataBytes - dataBefore);
        Assert.Equal("X", FrameTextReader.Lines(chip.VisibleFrame())[3]);
        Assert.Equal("h", FrameTextReader.Lines(chip.VisibleFrame())[7]);
    }

    [Fact]
    public void A_new_set_up_sends_the_whole_frame_again()
    {
        var chip = new Ssd1306Decoder();
        using var display = new Ssd1306Display(new RecordingI2cDevice(m => chip.Message(m)), 128, 64);
        display.Initialize();
        display.Show(["same"]);
        long dataBefore = chip.DataBytes;

        display.Initialize();
        display.Show(["same"]);

        Assert.Equal(1024, chip.DataBytes - dataBefore);
    }

    [Fact]
    public void The_decoder_follows_page_addressing_and_single_command_control_bytes()
    {
        var chip = new Ssd1306Decoder();

        // Co = 1 control bytes, one command each: page 2, column 0x15 in two halves.
        chip.Message([0x80, 0xB2, 0x80, 0x05, 0x80, 0x11]);
        chip.Message([0x40, 0xFF, 0x81]);

        Assert.Equal(2, chip.AddressingMode);
        Assert.True(chip.Ram[0x15, 16]);
        Assert.True(chip.Ram[0x16, 16]);
        Assert.False(chip.Ram[0x16, 17]);
        Assert.True(chip.Ram[0x16, 23]);
        Assert.False(chip.Ram[0x14, 16]);
    }
}
