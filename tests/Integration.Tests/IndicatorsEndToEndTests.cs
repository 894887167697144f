using System.Net;
using IotSquares.Indicators.Testing;
using IotSquares.Integration.Tests.Support;
using IotSquares.Server.Hosting;
using IotSquares.Server.Listening;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IotSquares.Integration.Tests;

/// <summary>
/// Both programs with simulated hardware recording what the chips would receive: the server in this
/// process (an SSD1306 OLED), the client as the real program (an HD44780 LCD 20x4); the recordings are
/// decoded as the real chips would.
/// </summary>
public sealed class IndicatorsEndToEndTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("indicators-e2e-").FullName;

    [Fact]
    public async Task The_seeds_hundred_squares_end_on_99_to_9801_on_both_displays_and_the_leds_follow_the_patterns()
    {
        string serverRecord = Path.Combine(_folder, "server");
        string clientRecord = Path.Combine(_folder, "client");
        IHost host = ServerHost.CreateBuilder(new Dictionary<string, string?>
        {
            ["Server:Port"] = "0",
            ["Server:Bind"] = "127.0.0.1",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Hardware:Backend"] = "simulated",
            ["Hardware:RecordTo"] = serverRecord,
        }).Build();
        await host.StartAsync();
        IReadOnlyList<IPEndPoint> bound = await host.Services.GetRequiredService<ServerEndpoints>().Bound;

        var client = await ProcessRunner.RunDotnetProgramAsync("PiSquareClient",
            ["--host", "127.0.0.1", "--port", bound[0].Port.ToString(), "-q", "--hardware", "simulated", "--hardware-record", clientRecord,
                "--display", "hd44780", "--display-size", "20x4"],
            TimeSpan.FromMinutes(2));
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await host.StopAsync(timeout.Token);
        }

        host.Dispose();

        Assert.True(client.ExitCode == 0, client.Output + client.Error);

        // The server's SSD1306 OLED 128x64.
        Ssd1306Decoder oled = Recordings.DecodeDisplay(serverRecord);
        IReadOnlyList<string> lines = FrameTextReader.Lines(oled.VisibleFrame());
        Assert.True(oled.ChargePumpOn && oled.DisplayOn, serverRecord);
        Assert.Equal(64, oled.VisibleRows);
        Assert.Equal("99 -> 9801", lines[3]);
        Assert.Equal("count 100", lines[5]);
        Assert.Equal("errors 0", lines[7]);
        // "SERVER 127.0.0.1:port" does not fit 21 characters: the address stays, the role word gives way.
        Assert.EndsWith($"127.0.0.1:{bound[0].Port}", lines[0]);

        // The client's HD44780 LCD 20x4 behind its PCF8574, as the configuration asked.
        Hd44780Decoder lcd = Recordings.DecodeLcd(clientRecord, 20, 4);
        Assert.True(lcd.FourBitMode && lcd.DisplayOn && lcd.BacklightOn, clientRecord);
        Assert.EndsWith($"127.0.0.1:{bound[0].Port}", lcd.Line(0).TrimEnd());
        Assert.StartsWith("DONE", lcd.Line(1));
        Assert.Equal("99 -> 9801", lcd.Line(2).TrimEnd());
        Assert.StartsWith("#100 ", lcd.Line(3));
        Assert.EndsWith("err 0", lcd.Line(3).TrimEnd());

        CheckLeds(Recordings.ReadLeds(serverRecord));
        CheckLeds(Recordings.ReadLeds(clientRecord));
    }

    [Theory]
    [InlineData("PiSquareServer")]
    [InlineData("PiSquareClient")]
    public async Task Invalid_hardware_settings_exit_78_with_every_reason_named_by_its_option(string program)
    {
        // Each value has its option's form (a bad form is a usage error, see BadOptionTests); the settings reject them.
        var run = await ProcessRunner.RunDotnetProgramAsync(program, ["--display-address", "0x99", "--display-size", "9x9", "--led-pins", "5,5,6"]);

        Assert.Equal(78, run.ExitCode);
        Assert.Contains($"{program}: invalid configuration: --display-address must be a 7-bit I2C address such as 0x3C or 0x3D, not '0x99'.", run.Error);
        Assert.Contains($"{program}: invalid configuration: --display-size for ssd1306 must be 128x64 or 128x32, not '9x9'.", run.Error);
        Assert.Contains($"{program}: invalid configuration: --led-pins: the three LEDs need three different lines, not 5, 5, 6.", run.Error);

        // Only those reasons, one line each: no host failure logged with a stack trace before them.
        string[] lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.StartsWith($"{program}: invalid configuration: ", line));
        Assert.Equal(3, lines.Length);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // The documented patterns: green lit from the start (listening / connecting), the yellow LED flashes
    // for the squares, never more often than every 80 ms, and nothing lights the red LED in a clean run.
    private static void CheckLeds(IReadOnlyList<LedChange> changes)
    {
        Assert.Equal(new LedChange(changes[0].At, "status", true), changes[0]);
        Assert.DoesNotContain(changes, c => c.Led == "error" && c.On);
        long[] flashes = changes.Where(c => c.Led == "activity" && c.On).Select(c => c.At).ToArray();
        Assert.NotEmpty(flashes);
        Assert.All(flashes.Zip(flashes.Skip(1)), pair => Assert.True(pair.Second - pair.First >= 60, $"flashes {pair.First} and {pair.Second} too close"));
    }
}
