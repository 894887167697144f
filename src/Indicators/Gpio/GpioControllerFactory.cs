using System.Device.Gpio;
using System.Device.Gpio.Drivers;

namespace IotSquares.Indicators.Gpio;

/// <summary>
/// Creates the driver the <see cref="GpioChoice"/> names. Every failure becomes a sentence for the user,
/// including the <c>GpiodException</c> that escapes System.Device.Gpio's own fallback (dotnet/iot#2602).
/// </summary>
public static class GpioControllerFactory
{
    /// <summary>A controller on the chosen chip, or null and <paramref name="warning"/>.</summary>
    public static GpioController? TryCreate(GpioChoice choice, out string? warning)
    {
        ArgumentNullException.ThrowIfNull(choice);
        if (!choice.Usable)
        {
            warning = choice.Warning ?? "no GPIO chip was chosen";
            return null;
        }

        int chip = choice.Chip!.Number;
        try
        {
            GpioDriver driver = choice.Driver == LibgpiodVersion.V2 ? new LibGpiodV2Driver(chip) : new LibGpiodDriver(chip);
            warning = null;
            return new GpioController(driver);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            warning = $"libgpiod {(choice.Driver == LibgpiodVersion.V2 ? "2 (libgpiod.so.3)" : "1 (libgpiod.so.2)")} could not be loaded: " +
                "install it (`sudo apt install libgpiod3` on trixie, `libgpiod2` on bookworm) or set Hardware:Gpio:Driver";
        }
        catch (Exception ex) when (ex is GpiodException or IOException or UnauthorizedAccessException or PlatformNotSupportedException or InvalidOperationException)
        {
            warning = Rendering.HardwareHints.ForGpio(ex, choice.Chip.DevicePath);
        }

        return null;
    }
}
