using System.Globalization;

namespace IotSquares.Indicators.Rendering;

/// <summary>
/// One sentence per hardware failure that tells a Pi user what to do about it: the warnings are
/// written for the person at the Pi, not for a .NET developer.
/// </summary>
public static class HardwareHints
{
    /// <summary>What to do when the I2C device at <paramref name="address"/> on <paramref name="bus"/> failed with <paramref name="error"/>.</summary>
    public static string ForI2c(Exception error, int bus, int address)
    {
        ArgumentNullException.ThrowIfNull(error);
        string where = string.Create(CultureInfo.InvariantCulture, $"0x{address:X2} on /dev/i2c-{bus}");
        return error switch
        {
            UnauthorizedAccessException =>
                $"no permission for /dev/i2c-{bus}: add the user to the i2c group (sudo usermod -aG i2c $USER, then log in again)",
            FileNotFoundException or DirectoryNotFoundException =>
                $"/dev/i2c-{bus} does not exist: enable I2C with `sudo raspi-config nonint do_i2c 0` and reboot",
            _ when IsNoAnswer(error) =>
                $"nothing answers at {where} (errno 121): check the wiring (SDA GPIO2, SCL GPIO3, 3V3, GND) and the address with `i2cdetect -y {bus}`",
            _ => $"the display at {where} failed: {error.Message}; check it with `i2cdetect -y {bus}`",
        };
    }

    /// <summary>What to do when the GPIO chip could not be used.</summary>
    public static string ForGpio(Exception error, string chip)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error switch
        {
            UnauthorizedAccessException =>
                $"no permission for {chip}: add the user to the gpio group (sudo usermod -aG gpio $USER, then log in again)",
            _ when error.Message.Contains("busy", StringComparison.OrdinalIgnoreCase) || error.Message.Contains("EBUSY", StringComparison.Ordinal) =>
                $"a GPIO line on {chip} is in use by another program or driver (EBUSY): choose other pins in Hardware:Leds, or stop the other user (see `gpioinfo`)",
            _ => $"{chip} could not be used: {error.Message}; check `gpioinfo` and Hardware:Gpio in appsettings.json",
        };
    }

    // Linux reports a missing acknowledge as EREMOTEIO (121); .NET puts the number in the message.
    private static bool IsNoAnswer(Exception error) =>
        error.Message.Contains("121", StringComparison.Ordinal) ||
        error.Message.Contains("Remote I/O", StringComparison.OrdinalIgnoreCase);
}
