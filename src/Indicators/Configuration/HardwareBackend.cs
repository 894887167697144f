namespace IotSquares.Indicators.Configuration;

/// <summary>Where the LEDs and the display are (configuration <c>Hardware:Backend</c>).</summary>
public enum HardwareBackend
{
    /// <summary>Real on a Raspberry Pi (or when a GPIO chip is configured), simulated in a terminal, otherwise none.</summary>
    Auto,

    /// <summary>GPIO and I2C: missing parts are one warning each, then left out.</summary>
    Real,

    /// <summary>The terminal (and the recording, if asked): a PC.</summary>
    Simulated,

    /// <summary>No indicators.</summary>
    None,
}
