namespace IotSquares.Indicators.Gpio;

/// <summary>Which libgpiod the system provides: the .NET driver has to match it.</summary>
public enum LibgpiodVersion
{
    /// <summary>No libgpiod library found.</summary>
    None,

    /// <summary>libgpiod 1.x (<c>libgpiod.so.2</c>; Debian bookworm's <c>libgpiod2</c>): <c>LibGpiodDriver</c>.</summary>
    V1,

    /// <summary>libgpiod 2.x (<c>libgpiod.so.3</c>; Debian trixie's <c>libgpiod3</c>): <c>LibGpiodV2Driver</c>.</summary>
    V2,
}
