namespace IotSquares.Indicators.Gpio;

/// <summary>A GPIO chip of the kernel's character device interface.</summary>
/// <param name="Number">N of <c>/dev/gpiochipN</c>.</param>
/// <param name="Label">The driver's label (<c>pinctrl-rp1</c>, <c>pinctrl-bcm2711</c>, <c>gpio-sim.0-node0</c>…).</param>
/// <param name="Lines">How many lines it has.</param>
public sealed record GpioChipEntry(int Number, string Label, int Lines)
{
    /// <summary>The device path.</summary>
    public string DevicePath => $"/dev/gpiochip{Number}";
}
