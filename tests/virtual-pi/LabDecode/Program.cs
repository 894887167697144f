using IotSquares.Indicators.Graphics;
using IotSquares.Indicators.Testing;
using IotSquares.VirtualPi;

// LabDecode <i2c record> <ssd1306|hd44780> <address, e.g. 0x3C> <output prefix>
// Writes <prefix>.frame.txt (SSD1306: one text row per pixel row, '#' lit) and <prefix>.text.txt
// (the text the panel shows, read back from the pixels or the LCD's character cells), and prints both.
// Exit 0 when the display was set up and received content, 1 when it never was, 2 on bad arguments.
if (args.Length != 4 || (args[1] != "ssd1306" && args[1] != "hd44780"))
{
    Console.Error.WriteLine("usage: LabDecode <i2c record> <ssd1306|hd44780> <address> <output prefix>");
    return 2;
}

int address = Convert.ToInt32(args[2], 16);
List<I2cRecord> writes;
using (var reader = new StreamReader(args[0]))
{
    writes = I2cRecord.Writes(reader).Where(w => w.Address == address).ToList();
}

Console.WriteLine($"{writes.Count} writes to 0x{address:X2}, {writes.Sum(w => (long)w.Bytes.Length)} bytes");
IReadOnlyList<string> text;
if (args[1] == "ssd1306")
{
    var chip = new Ssd1306Decoder();
    foreach (I2cRecord write in writes)
    {
        chip.Message(write.Bytes);
    }

    MonoFrameBuffer frame = chip.VisibleFrame();
    var art = new List<string>();
    for (int y = 0; y < frame.Height; y++)
    {
        art.Add(new string(Enumerable.Range(0, frame.Width).Select(x => frame[x, y] ? '#' : '.').ToArray()));
    }

    File.WriteAllLines(args[3] + ".frame.txt", art);
    text = FrameTextReader.Lines(frame);
    Console.WriteLine($"SSD1306: display {(chip.DisplayOn ? "on" : "off")}, charge pump {(chip.ChargePumpOn ? "on" : "off")}, {chip.VisibleRows} rows, {chip.DataBytes} data bytes");
    foreach (string row in art)
    {
        Console.WriteLine(row.Replace('.', ' ').Replace('#', '█'));
    }

    File.WriteAllLines(args[3] + ".text.txt", text);
    PrintText(text);
    return chip.DisplayOn && chip.DataBytes > 0 ? 0 : 1;
}
else
{
    var lcd = new Hd44780Decoder();
    foreach (I2cRecord write in writes)
    {
        lcd.Feed(write.Bytes);
    }

    text = lcd.Lines();
    File.WriteAllLines(args[3] + ".text.txt", text);
    Console.WriteLine($"HD44780: display {(lcd.DisplayOn ? "on" : "off")}, backlight {(lcd.BacklightOn ? "on" : "off")}");
    PrintText(text);
    return lcd.DisplayOn && lcd.Latched > 0 ? 0 : 1;
}

static void PrintText(IReadOnlyList<string> lines)
{
    Console.WriteLine("text read back from the panel:");
    foreach (string line in lines)
    {
        Console.WriteLine($"  |{line}|");
    }
}
