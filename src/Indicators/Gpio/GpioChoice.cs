namespace IotSquares.Indicators.Gpio;

/// <summary>The GPIO chip and driver to use, or why there is none (one sentence naming the fix).</summary>
/// <param name="Chip">The chip, or null.</param>
/// <param name="Driver">The libgpiod version whose driver to create.</param>
/// <param name="Warning">When not usable: what a user should do.</param>
public sealed record GpioChoice(GpioChipEntry? Chip, LibgpiodVersion Driver, string? Warning)
{
    /// <summary>Whether LEDs can be driven.</summary>
    public bool Usable => Chip is not null && Driver != LibgpiodVersion.None && Warning is null;
}
