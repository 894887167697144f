using System.Globalization;

namespace IotSquares.Indicators.Gpio;

/// <summary>
/// Reads what the board offers from the file system under <paramref name="root"/> ("/" on a Pi, a fake tree
/// in tests): the device-tree model, the GPIO chips with their labels, and the installed libgpiod.
/// </summary>
/// <param name="root">Where /proc, /sys, /dev and /usr are.</param>
/// <param name="chipLabel">Reads a chip's label from its device when sysfs has none (production: an ioctl).</param>
public sealed class BoardProbe(string root = "/", Func<string, string?>? chipLabel = null)
{
    // Where Debian and Raspberry Pi OS put shared libraries, for arm64, armhf and a PC.
    private static readonly string[] LibraryDirectories =
    [
        "usr/lib/aarch64-linux-gnu", "usr/lib/arm-linux-gnueabihf", "usr/lib/x86_64-linux-gnu",
        "lib/aarch64-linux-gnu", "lib/arm-linux-gnueabihf", "lib/x86_64-linux-gnu", "usr/lib", "usr/local/lib",
    ];

    /// <summary>The file-system root probed.</summary>
    public string Root => root;

    /// <summary>The board's model (<c>Raspberry Pi 5 Model B Rev 1.0</c>), or null when there is no device tree (a PC).</summary>
    public string? Model()
    {
        string path = Path.Combine(root, "proc/device-tree/model");
        return File.Exists(path) ? File.ReadAllText(path).TrimEnd('\0', '\n', ' ') : null;
    }

    /// <summary>Whether the model is a Raspberry Pi.</summary>
    public bool IsRaspberryPi() => Model()?.StartsWith("Raspberry Pi", StringComparison.Ordinal) == true;

    /// <summary>The GPIO character devices with their labels, lowest number first.</summary>
    public IReadOnlyList<GpioChipEntry> Chips()
    {
        string dev = Path.Combine(root, "dev");
        if (!Directory.Exists(dev))
        {
            return [];
        }

        Dictionary<int, (string Label, int Lines)> sysfs = SysfsLabels();
        var chips = new List<GpioChipEntry>();
        foreach (string path in Directory.EnumerateFileSystemEntries(dev, "gpiochip*"))
        {
            if (!int.TryParse(Path.GetFileName(path)["gpiochip".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int number))
            {
                continue;
            }

            (string label, int lines) = sysfs.TryGetValue(number, out var known) ? known : (chipLabel?.Invoke(path) ?? "", 0);
            chips.Add(new GpioChipEntry(number, label, lines));
        }

        return chips.OrderBy(c => c.Number).ToArray();
    }

    /// <summary>The libgpiod the system provides (v2 preferred when both are installed).</summary>
    public LibgpiodVersion Libgpiod()
    {
        bool Has(string file) => LibraryDirectories.Any(d => File.Exists(Path.Combine(root, d, file)));
        return Has("libgpiod.so.3") ? LibgpiodVersion.V2 : Has("libgpiod.so.2") ? LibgpiodVersion.V1 : LibgpiodVersion.None;
    }

    /// <summary>Whether a device file exists under the root (<c>/dev/i2c-1</c>).</summary>
    public bool DeviceExists(string absolutePath) => File.Exists(Path.Combine(root, absolutePath.TrimStart('/')));

    // /sys/class/gpio/gpiochipB/{label,ngpio} belong to the chip whose gpiochipN sits in the same parent device.
    private Dictionary<int, (string, int)> SysfsLabels()
    {
        var labels = new Dictionary<int, (string, int)>();
        string classDir = Path.Combine(root, "sys/class/gpio");
        if (!Directory.Exists(classDir))
        {
            return labels;
        }

        foreach (string chip in Directory.EnumerateDirectories(classDir, "gpiochip*"))
        {
            string parent = Path.Combine(chip, "device");
            string labelFile = Path.Combine(chip, "label");
            if (!Directory.Exists(parent) || !File.Exists(labelFile))
            {
                continue;
            }

            string label = File.ReadAllText(labelFile).Trim();
            int.TryParse(ReadOrEmpty(Path.Combine(chip, "ngpio")), NumberStyles.None, CultureInfo.InvariantCulture, out int lines);
            foreach (string device in Directory.EnumerateDirectories(parent, "gpiochip*"))
            {
                if (int.TryParse(Path.GetFileName(device)["gpiochip".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int number))
                {
                    labels[number] = (label, lines);
                }
            }
        }

        return labels;
    }

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "";
}
