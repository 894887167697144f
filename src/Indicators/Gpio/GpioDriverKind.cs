namespace IotSquares.Indicators.Gpio;

/// <summary>Which .NET GPIO driver to use (configuration <c>Hardware:Gpio:Driver</c>).</summary>
public enum GpioDriverKind
{
    /// <summary>The one matching the installed libgpiod (v2 if <c>libgpiod.so.3</c> is there, else v1).</summary>
    Auto,

    /// <summary><c>LibGpiodDriver</c>, for libgpiod 1.x.</summary>
    Libgpiod,

    /// <summary><c>LibGpiodV2Driver</c>, for libgpiod 2.x.</summary>
    LibgpiodV2,
}
