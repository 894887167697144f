using IotSquares.Indicators.Configuration;
using IotSquares.Indicators.Graphics;
using IotSquares.Indicators.Leds;
using IotSquares.Indicators.Simulation;
using IotSquares.Indicators.State;
using IotSquares.Indicators.Testing;
using IotSquares.Indicators.Tests.Support;

namespace IotSquares.Indicators.Tests;

/// <summary>What the simulated backend draws in a terminal, read back as a person would see it.</summary>
public sealed class TerminalPanelTests
{
    private static readonly HardwareOptions Oled = new();
    private static readonly HardwareOptions Lcd20x4 = new() { Display = DisplayKind.Hd44780, DisplaySize = (20, 4) };

    [Fact]
    public void The_oled_in_the_terminal_is_the_frame_sent_to_the_chip_pixel_for_pixel()
    {
        var terminal = new VirtualTerminal(100, 40);
        using var panel = new TerminalPanel(terminal, IndicatorsSetup.SimulatedPanel(IndicatorRole.Client, Oled), () => (100, 40));
        using var capture = new MemoryStream();
        using var oled = new SimulatedDisplay(128, 64, new NonClosing(capture), panel);

        oled.Initialize();
        oled.Show(["CLIENT 127.0.0.1:50007", "READY framed/1", "", "99 -> 9801"]);

        IReadOnlyList<string> lines = panel.Current;
        Assert.Equal("client Pi (simulated) · SSD1306 OLED 128x64 at 0x3C", PanelPicture.WithoutEscapes(lines[0]));
        MonoFrameBuffer drawn = FromBraille(lines.Skip(2).Take(16).Select(l => PanelPicture.WithoutEscapes(l).Trim('│')).ToArray());
        capture.Position = 0;
        var chip = new Ssd1306Decoder();
        foreach (byte[] message in CapturingI2cDevice.ReadCapture(capture))
        {
            chip.Message(message);
        }

        Assert.Equal(chip.VisibleFrame().Bytes.ToArray(), drawn.Bytes.ToArray());
        Assert.Equal("99 -> 9801", FrameTextReader.Lines(drawn)[3]);
    }

    [Fact]
    public void Each_led_shows_its_colour_role_and_line_lit_or_dark()
    {
        var terminal = new VirtualTerminal(100, 40);
        var options = Oled with { Leds = new LedPins(5, 6, 13) };
        using var panel = new TerminalPanel(terminal, IndicatorsSetup.SimulatedPanel(IndicatorRole.Server, options), () => (100, 40));
        using var leds = new SimulatedLeds(panel, null, TimeProvider.System);

        leds.Set(IndicatorLed.Status, true);
        leds.Set(IndicatorLed.Error, true);
        leds.Set(IndicatorLed.Error, false);

        string line = panel.Current[^1];
        Assert.Equal(" LEDs  ● status (green, GPIO5)  ○ activity (yellow, GPIO6)  ○ error (red, GPIO13)", PanelPicture.WithoutEscapes(line));
        Assert.Contains("\u001b[1;32m●", line);
        Assert.Contains("\u001b[2;33m○", line);
        Assert.Contains("\u001b[2;31m○", line);
        Assert.Equal(PanelPicture.WithoutEscapes(line), terminal.Screen[^1]);
    }

    [Fact]
    public void The_lcd_in_the_terminal_reads_what_the_lcd_chip_received()
    {
        var terminal = new VirtualTerminal(100, 40);
        using var panel = new TerminalPanel(terminal, IndicatorsSetup.SimulatedPanel(IndicatorRole.Client, Lcd20x4), () => (100, 40));
        using var capture = new MemoryStream();
        using var lcd = new SimulatedLcd(20, 4, new NonClosing(capture), panel);

        lcd.Initialize();
        lcd.Show(["CLIENT pi1:50007", "READY framed/1", "99 -> 9801", "count 100 err 0"]);

        capture.Position = 0;
        var chip = new Hd44780Decoder(20, 4);
        foreach (byte[] message in CapturingI2cDevice.ReadCapture(capture))
        {
            chip.Feed(message);
        }

        string[] shown = panel.Current.Select(PanelPicture.WithoutEscapes).ToArray();
        Assert.Equal("client Pi (simulated) · HD44780 LCD 20x4 at 0x27", shown[0]);
        Assert.Equal(chip.Lines().Select(row => $"│{row}│"), shown.Skip(2).Take(4));
        Assert.Equal("│99 -> 9801          │", shown[4]);
    }

    [Fact]
    public void The_panel_keeps_the_bottom_rows_and_the_programs_output_scrolls_above_it_untouched()
    {
        var terminal = new VirtualTerminal(100, 40);
        for (int i = 0; i < 10; i++)
        {
            terminal.Write($"before {i}\n");
        }

        var panel = new TerminalPanel(terminal, IndicatorsSetup.SimulatedPanel(IndicatorRole.Client, Oled), () => (100, 40));
        using var oled = new SimulatedDisplay(128, 64, null, panel);
        using var leds = new SimulatedLeds(panel, null, TimeProvider.System);
        oled.Initialize();
        for (int i = 0; i < 80; i++)
        {
            terminal.Write($"line {i}\n");
            leds.Set(IndicatorLed.Activity, i % 2 == 0);
            if (i % 10 == 0)
            {
                oled.Show(["READY", $"{i} -> {i * i}"]);
            }
        }

        string[] expected = panel.Current.Select(PanelPicture.WithoutEscapes).ToArray();
        IReadOnlyList<string> screen = terminal.Screen;
        int top = 40 - expected.Length;
        Assert.Equal(expected, screen.Skip(top));
        // The region's last row is where the cursor waits for the next line.
        Assert.Equal([.. Enumerable.Range(81 - top, top - 1).Select(i => $"line {i}"), ""], screen.Take(top));
        Assert.True(terminal.RegionSet);

        panel.Dispose();
        terminal.Write("after\n");

        // Released: the final panel stays on screen and later output scrolls it up like any text.
        Assert.False(terminal.RegionSet);
        Assert.Equal(expected, terminal.Screen.Skip(top - 2).Take(expected.Length));
        Assert.Equal("after", terminal.Screen[^2]);
        Assert.Equal(PanelPicture.WithoutEscapes(expected[^1]), terminal.Screen[^3]);
    }

    [Fact]
    public void A_terminal_too_small_for_the_panel_gets_it_once_at_the_end()
    {
        var terminal = new VirtualTerminal(100, 20);
        var panel = new TerminalPanel(terminal, IndicatorsSetup.SimulatedPanel(IndicatorRole.Client, Oled), () => (100, 20));
        using var leds = new SimulatedLeds(panel, null, TimeProvider.System);

        terminal.Write("squares\n");
        leds.Set(IndicatorLed.Status, true);
        Assert.Equal(["squares"], terminal.Screen.Where(l => l.Length > 0));

        panel.Dispose();
        panel.Dispose();

        IReadOnlyList<string> all = [.. terminal.Scrollback, .. terminal.Screen];
        Assert.Single(all, l => l.StartsWith("client Pi (simulated)", StringComparison.Ordinal));
        Assert.Contains(" LEDs  ● status (green, GPIO17)  ○ activity (yellow, GPIO27)  ○ error (red, GPIO22)", all);
    }

    [Fact]
    public async Task The_simulated_backend_runs_the_configured_lcd_and_records_what_it_received()
    {
        string folder = Directory.CreateTempSubdirectory("panel-lcd-").FullName;
        try
        {
            var options = Lcd20x4 with { Backend = HardwareBackend.Simulated, RecordTo = folder };
            var logger = new ListLogger();
            RunningIndicators running = IndicatorsSetup.Start(IndicatorRole.Server, "*:50007", options, TimeProvider.System, logger);
            Conversation.Handshake(running.Observer, Conversation.First);
            Conversation.Squares(running.Observer, Conversation.First, 0, 100);
            await running.DisposeAsync();

            Hd44780Decoder lcd = Recordings.DecodeLcd(folder, 20, 4);
            Assert.Contains(lcd.Lines(), row => row.TrimEnd() == "99 -> 9801");
            Assert.Contains(logger.Lines, l => l.Text.Contains("simulated (hd44780 20x4 characters, LEDs)", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Reads a picture made by PanelPicture.Braille back into pixels.
    private static MonoFrameBuffer FromBraille(string[] rows)
    {
        ReadOnlySpan<int> left = [0x01, 0x02, 0x04, 0x40];
        ReadOnlySpan<int> right = [0x08, 0x10, 0x20, 0x80];
        var frame = new MonoFrameBuffer(rows[0].Length * 2, rows.Length * 4);
        for (int r = 0; r < rows.Length; r++)
        {
            for (int c = 0; c < rows[r].Length; c++)
            {
                int dots = rows[r][c] - 0x2800;
                for (int dy = 0; dy < 4; dy++)
                {
                    frame[2 * c, (4 * r) + dy] = (dots & left[dy]) != 0;
                    frame[(2 * c) + 1, (4 * r) + dy] = (dots & right[dy]) != 0;
                }
            }
        }

        return frame;
    }

    // The display owns its capture stream; the test reads it afterwards.
    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
