using System.Globalization;

namespace IotSquares.Indicators.Gpio;

/// <summary>
/// Chooses the GPIO chip and driver explicitly rather than trusting the automatic choice of
/// System.Device.Gpio 4.2.0, which crashes or says "Unable to find a chip" on exactly the systems Pi users
/// have (dotnet/iot#2602, #2441, #2396, #2366): the chip is found by its label, so the Pi 5's RP1 is
/// found whether it is gpiochip0 (current kernels) or gpiochip4 (older ones), and the driver follows the
/// libgpiod that is installed (bookworm: 1.6, trixie: 2.2). Configuration can name both, for boards that
/// are not Pis (an emulated one with gpio-sim).
/// </summary>
public static class GpioDriverChooser
{
    /// <summary>The labels of the header's GPIO controller on each Pi, newest first.</summary>
    public static readonly IReadOnlyList<string> PiHeaderLabels = ["pinctrl-rp1", "pinctrl-bcm2711", "pinctrl-bcm2835"];

    /// <summary>Chooses for the board seen by <paramref name="probe"/>.</summary>
    /// <param name="probe">The board's files.</param>
    /// <param name="chip">Configured chip: a label, a number or <c>/dev/gpiochipN</c>; null or empty to find it.</param>
    /// <param name="driver">Configured driver.</param>
    /// <param name="canOpen">Whether this user may open a device file (the gpio group).</param>
    public static GpioChoice Choose(BoardProbe probe, string? chip, GpioDriverKind driver, Func<string, bool> canOpen)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(canOpen);
        LibgpiodVersion version = driver switch
        {
            GpioDriverKind.Libgpiod => LibgpiodVersion.V1,
            GpioDriverKind.LibgpiodV2 => LibgpiodVersion.V2,
            _ => probe.Libgpiod(),
        };
        IReadOnlyList<GpioChipEntry> chips = probe.Chips();
        (GpioChipEntry? found, string? why) = string.IsNullOrWhiteSpace(chip) ? FindHeaderChip(probe, chips) : FindConfigured(chip.Trim(), chips);
        if (found is null)
        {
            return new GpioChoice(null, version, why);
        }

        if (version == LibgpiodVersion.None)
        {
            return new GpioChoice(found, version,
                "no libgpiod library is installed: `sudo apt install libgpiod3` (Raspberry Pi OS trixie) or `libgpiod2` (bookworm)");
        }

        if (!canOpen(Path.Combine(probe.Root, found.DevicePath.TrimStart('/'))))
        {
            return new GpioChoice(found, version,
                $"no permission for {found.DevicePath}: add the user to the gpio group (sudo usermod -aG gpio $USER, then log in again)");
        }

        return new GpioChoice(found, version, null);
    }

    private static (GpioChipEntry?, string?) FindHeaderChip(BoardProbe probe, IReadOnlyList<GpioChipEntry> chips)
    {
        if (chips.Count == 0)
        {
            return (null, "there is no GPIO chip (/dev/gpiochip*) on this machine: LEDs need a Raspberry Pi, or Hardware:Backend=simulated on a PC");
        }

        string? model = probe.Model();
        if (!probe.IsRaspberryPi())
        {
            return (null, $"this board is not a Raspberry Pi (model: {model ?? "unknown"}): name its chip in Hardware:Gpio:Chip ({List(chips)})");
        }

        foreach (string label in PiHeaderLabels)
        {
            if (chips.FirstOrDefault(c => c.Label == label) is { } chip)
            {
                return (chip, null);
            }
        }

        return (null, $"no header GPIO chip ({string.Join(", ", PiHeaderLabels)}) on this {model}: name it in Hardware:Gpio:Chip ({List(chips)})");
    }

    private static (GpioChipEntry?, string?) FindConfigured(string wanted, IReadOnlyList<GpioChipEntry> chips)
    {
        string number = wanted.StartsWith("/dev/gpiochip", StringComparison.Ordinal) ? wanted["/dev/gpiochip".Length..]
            : wanted.StartsWith("gpiochip", StringComparison.Ordinal) ? wanted["gpiochip".Length..] : wanted;
        GpioChipEntry? chip = int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            ? chips.FirstOrDefault(c => c.Number == n)
            : chips.FirstOrDefault(c => string.Equals(c.Label, wanted, StringComparison.OrdinalIgnoreCase));
        return chip is null
            ? (null, $"Hardware:Gpio:Chip '{wanted}' is not on this machine ({List(chips)})")
            : (chip, null);
    }

    private static string List(IReadOnlyList<GpioChipEntry> chips) => chips.Count == 0
        ? "no chips found"
        : "chips here: " + string.Join(", ", chips.Select(c => $"gpiochip{c.Number} '{c.Label}'"));
}
