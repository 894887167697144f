using System.Device.I2c;
using IotSquares.Indicators.Display;
using IotSquares.Indicators.Gpio;
using IotSquares.Indicators.Graphics;
using IotSquares.Indicators.Hd44780;
using IotSquares.Indicators.Leds;
using IotSquares.Indicators.Rendering;
using IotSquares.Indicators.Simulation;
using IotSquares.Indicators.Ssd1306;
using IotSquares.Indicators.State;
using Microsoft.Extensions.Logging;

namespace IotSquares.Indicators.Configuration;

/// <summary>
/// Builds the indicators a configuration asks for: the state store (the observer to register) and the
/// render loops over real, simulated or no hardware. Whatever is missing is one warning naming the fix,
/// and the program goes on without it.
/// </summary>
public static class IndicatorsSetup
{
    /// <summary>Creates and starts the indicators for <paramref name="role"/>.</summary>
    public static RunningIndicators Start(IndicatorRole role, string endpoint, HardwareOptions options, TimeProvider time, ILogger logger, BoardProbe? probe = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        probe ??= new BoardProbe("/", ChipInfoReader.Label);
        HardwareBackend backend = Resolve(options, probe);
        var store = new IndicatorStateStore(role, endpoint, time);
        if (backend == HardwareBackend.None)
        {
            logger.LogInformation("Indicators: none.");
            return new RunningIndicators(store, null, backend);
        }

        (IIndicatorDisplay display, IIndicatorLeds leds, TerminalPanel? panel) = backend switch
        {
            HardwareBackend.Real => (RealDisplay(options, probe, logger), RealLeds(options, probe, logger), null),
            HardwareBackend.Simulated => Simulated(role, options, time),
            _ => ((IIndicatorDisplay)new NoDisplay(), (IIndicatorLeds)new NoLeds(), (TerminalPanel?)null),
        };
        logger.LogInformation("Indicators: {Backend} ({Display}, {Leds}).", backend.ToString().ToLowerInvariant(),
            display is NoDisplay ? "no display" : $"{options.Display.ToString().ToLowerInvariant()} {display.Columns}x{display.Rows} characters",
            leds is NoLeds ? "no LEDs" : "LEDs");
        var renderer = new IndicatorRenderer(store, display,
            e => HardwareHints.ForI2c(e, options.DisplayBus, options.EffectiveAddress), leds, options.RefreshRate, time, logger);
        renderer.Start();
        return new RunningIndicators(store, renderer, backend, panel);
    }

    /// <summary>What <see cref="HardwareBackend.Auto"/> means here: real on a Pi or with a chip configured, else the terminal if there is one.</summary>
    public static HardwareBackend Resolve(HardwareOptions options, BoardProbe probe)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(probe);
        if (options.Backend != HardwareBackend.Auto)
        {
            return options.Backend;
        }

        if (probe.IsRaspberryPi() || options.GpioChip.Length > 0)
        {
            return HardwareBackend.Real;
        }

        return TerminalPanel.Available() || options.RecordTo.Length > 0 ? HardwareBackend.Simulated : HardwareBackend.None;
    }

    private static (IIndicatorDisplay, IIndicatorLeds, TerminalPanel?) Simulated(IndicatorRole role, HardwareOptions options, TimeProvider time)
    {
        TerminalPanel? panel = TerminalPanel.Available() ? new TerminalPanel(Console.Out, SimulatedPanel(role, options)) : null;
        Stream? capture = null;
        TextWriter? timeline = null;
        if (options.RecordTo.Length > 0)
        {
            Directory.CreateDirectory(options.RecordTo);
            capture = new FileStream(Path.Combine(options.RecordTo, "display.i2c"), FileMode.Create, FileAccess.Write, FileShare.Read);
            timeline = new StreamWriter(Path.Combine(options.RecordTo, "leds.log"), append: false);
        }

        // The display the configuration names, through its real driver: what the terminal shows is what the bus got.
        (int w, int h) = options.DisplaySize;
        IIndicatorDisplay display = options.Display switch
        {
            DisplayKind.Hd44780 => new SimulatedLcd(w, h, capture, panel, options.SimulatedBusHz, options.EffectiveAddress),
            DisplayKind.Ssd1306 => new SimulatedDisplay(w, h, capture, panel, options.SimulatedBusHz, options.EffectiveAddress),
            _ => new NoDisplay(),
        };
        if (display is NoDisplay)
        {
            capture?.Dispose();
        }

        IIndicatorLeds leds = options.LedsEnabled ? new SimulatedLeds(panel, timeline, time) : new NoLeds();
        if (leds is NoLeds)
        {
            timeline?.Dispose();
        }

        return (display, leds, panel);
    }

    /// <summary>The simulated panel for <paramref name="role"/> before anything is drawn: its title, the display blank, the LEDs dark.</summary>
    public static PanelContent SimulatedPanel(IndicatorRole role, HardwareOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        (int w, int h) = options.DisplaySize;
        string title = role == IndicatorRole.Server ? "server Pi (simulated)" : "client Pi (simulated)";
        string address = $"0x{options.EffectiveAddress:X2}";
        return options.Display switch
        {
            DisplayKind.Ssd1306 => new PanelContent(title, $"SSD1306 OLED {w}x{h} at {address}", new MonoFrameBuffer(w, h), null, 0, Pins(options), []),
            DisplayKind.Hd44780 => new PanelContent(title, $"HD44780 LCD {w}x{h} at {address}", null, Enumerable.Repeat("", h).ToArray(), w, Pins(options), []),
            _ => new PanelContent(title, "", null, null, 0, Pins(options), []),
        };

        static LedPins? Pins(HardwareOptions options) => options.LedsEnabled ? options.Leds : null;
    }

    private static IIndicatorLeds RealLeds(HardwareOptions options, BoardProbe probe, ILogger logger)
    {
        if (!options.LedsEnabled)
        {
            return new NoLeds();
        }

        GpioChoice choice = GpioDriverChooser.Choose(probe, options.GpioChip, options.GpioDriver, CanOpen);
        var controller = GpioControllerFactory.TryCreate(choice, out string? warning);
        if (controller is null)
        {
            logger.LogWarning("LEDs: {Warning}. Going on without them.", warning);
            return new NoLeds();
        }

        try
        {
            return new GpioLeds(controller, options.Leds);
        }
        catch (Exception ex) when (ex is SystemException)
        {
            controller.Dispose();
            logger.LogWarning("LEDs: {Warning}. Going on without them.", HardwareHints.ForGpio(ex, choice.Chip!.DevicePath));
            return new NoLeds();
        }
    }

    private static IIndicatorDisplay RealDisplay(HardwareOptions options, BoardProbe probe, ILogger logger)
    {
        if (options.Display == DisplayKind.None)
        {
            return new NoDisplay();
        }

        string bus = $"/dev/i2c-{options.DisplayBus}";
        if (!probe.DeviceExists(bus))
        {
            logger.LogWarning("Display: {Hint}. Going on without it.", HardwareHints.ForI2c(new FileNotFoundException(bus), options.DisplayBus, options.EffectiveAddress));
            return new NoDisplay();
        }

        try
        {
            I2cDevice device = I2cDevice.Create(new I2cConnectionSettings(options.DisplayBus, options.EffectiveAddress));
            (int w, int h) = options.DisplaySize;
            // Bus errors from here on (errno 121 when nothing answers) are logged once by the render loop and retried.
            return options.Display == DisplayKind.Hd44780 ? new Hd44780Display(device, w, h) : new Ssd1306Display(device, w, h);
        }
        catch (Exception ex) when (ex is SystemException)
        {
            logger.LogWarning("Display: {Hint}. Going on without it.", HardwareHints.ForI2c(ex, options.DisplayBus, options.EffectiveAddress));
            return new NoDisplay();
        }
    }

    private static bool CanOpen(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        catch (IOException)
        {
            // Not a permission problem: let the driver report what it is.
            return true;
        }
    }
}
