using IotSquares.Indicators.Testing;

namespace IotSquares.Indicators.Tests;

/// <summary>
/// Why src/Indicators has its own SSD1306 driver: what the Iot.Device.Bindings 4.2.0 driver does, seen
/// through the decoding fake. If a later version of the binding changes this, the test says so.
/// </summary>
public sealed class BindingSsd1306Tests
{
    [Fact]
    public void The_binding_cannot_be_constructed_without_an_image_factory()
    {
        var chip = new Ssd1306Decoder();
        var device = new RecordingI2cDevice(m => chip.Message(m));

        Exception? error = Record.Exception(() => new Iot.Device.Ssd13xx.Ssd1306(device, 128, 64).Dispose());

        Assert.NotNull(error);
        Assert.Contains("factory", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
