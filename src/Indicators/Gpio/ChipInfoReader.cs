using System.Runtime.InteropServices;
using System.Text;

namespace IotSquares.Indicators.Gpio;

/// <summary>
/// Reads a chip's label straight from its character device (GPIO_GET_CHIPINFO_IOCTL), for kernels built
/// without the old sysfs GPIO class, where /sys has no label to read.
/// </summary>
public static partial class ChipInfoReader
{
    // _IOR(0xB4, 0x01, struct gpiochip_info): name[32], label[32], lines (u32) = 68 bytes.
    private const uint GetChipInfo = 0x8044B401;
    private const int OpenReadOnly = 0;

    /// <summary>The label of the chip at <paramref name="devicePath"/>, or null when it cannot be read.</summary>
    public static string? Label(string devicePath)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        int fd = Open(devicePath, OpenReadOnly);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            var info = new byte[68];
            return Ioctl(fd, GetChipInfo, info) < 0 ? null : Encoding.ASCII.GetString(info, 32, 32).TrimEnd('\0');
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int Ioctl(int fd, nuint request, byte[] argument);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
