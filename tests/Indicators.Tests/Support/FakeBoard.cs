namespace IotSquares.Indicators.Tests.Support;

/// <summary>
/// A fake root file system laid out as the kernel and Debian lay out a Pi's: /proc/device-tree/model,
/// /dev/gpiochipN, /sys/class/gpio/gpiochipBASE/{label,ngpio,device -> the parent device holding gpiochipN},
/// and libgpiod in /usr/lib/aarch64-linux-gnu.
/// </summary>
internal sealed class FakeBoard : IDisposable
{
    public FakeBoard(string? model)
    {
        Root = Directory.CreateTempSubdirectory("fake-board-").FullName;
        Directory.CreateDirectory(Path.Combine(Root, "dev"));
        if (model is not null)
        {
            Write("proc/device-tree/model", model + "\0");
        }
    }

    public string Root { get; }

    /// <summary>Raspberry Pi 3: pinctrl-bcm2835 at gpiochip0; libgpiod 1.6 (bookworm) or 2.2 (trixie).</summary>
    public static FakeBoard Pi3(int libgpiodSoname) => new FakeBoard("Raspberry Pi 3 Model B Plus Rev 1.3")
        .Chip(0, 512, "pinctrl-bcm2835", 54, "3f200000.gpio").Chip(1, 566, "raspberrypi-exp-gpio", 8, "soc:firmware:gpio").Libgpiod(libgpiodSoname);

    /// <summary>Raspberry Pi 4: pinctrl-bcm2711 at gpiochip0; libgpiod 1.6 (bookworm) or 2.2 (trixie).</summary>
    public static FakeBoard Pi4(int libgpiodSoname) => new FakeBoard("Raspberry Pi 4 Model B Rev 1.5")
        .Chip(0, 512, "pinctrl-bcm2711", 58, "fe200000.gpio").Chip(1, 570, "raspberrypi-exp-gpio", 8, "soc:firmware:gpio").Libgpiod(libgpiodSoname);

    /// <summary>Raspberry Pi 5: the RP1 is gpiochip0 on current kernels, gpiochip4 after four brcmstb chips on older ones.</summary>
    public static FakeBoard Pi5(bool olderKernel, int libgpiodSoname)
    {
        var board = new FakeBoard("Raspberry Pi 5 Model B Rev 1.0");
        int first = olderKernel ? 0 : 1;
        int rp1 = olderKernel ? 4 : 0;
        string[] brcmstb = ["107d508500.gpio", "107d508520.gpio", "107d517c00.gpio", "107d517c20.gpio"];
        for (int i = 0; i < brcmstb.Length; i++)
        {
            board.Chip(first + i, 512 + (32 * i), "gpio-brcmstb@" + brcmstb[i][..^5], 32, brcmstb[i]);
        }

        return board.Chip(rp1, 571, "pinctrl-rp1", 54, "1f000d0000.gpio").Libgpiod(libgpiodSoname);
    }

    public FakeBoard Chip(int number, int sysfsBase, string label, int lines, string parentDevice)
    {
        string parent = Path.Combine(Root, "sys/devices/platform", parentDevice);
        Directory.CreateDirectory(Path.Combine(parent, $"gpiochip{number}"));
        string classDir = Path.Combine(Root, "sys/class/gpio", $"gpiochip{sysfsBase}");
        Directory.CreateDirectory(classDir);
        File.WriteAllText(Path.Combine(classDir, "label"), label + "\n");
        File.WriteAllText(Path.Combine(classDir, "ngpio"), lines + "\n");
        File.CreateSymbolicLink(Path.Combine(classDir, "device"), parent);
        File.WriteAllText(Path.Combine(Root, "dev", $"gpiochip{number}"), "");
        return this;
    }

    public FakeBoard Libgpiod(int soname)
    {
        Write($"usr/lib/aarch64-linux-gnu/libgpiod.so.{soname}", "");
        return this;
    }

    public FakeBoard Write(string relative, string text)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return this;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
