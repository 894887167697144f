using System.Device.Gpio;

namespace IotSquares.Indicators.Leds;

/// <summary>LEDs on GPIO lines, through a <see cref="GpioController"/> (real chip or a fake driver in tests).</summary>
public sealed class GpioLeds : IIndicatorLeds
{
    private static readonly IndicatorLed[] All = [IndicatorLed.Status, IndicatorLed.Activity, IndicatorLed.Error];
    private readonly GpioController _controller;
    private readonly LedPins _pins;
    private readonly bool _shouldDispose;

    /// <summary>Opens the three lines as outputs, all LEDs off.</summary>
    /// <param name="controller">The controller over the board's GPIO chip.</param>
    /// <param name="pins">Which lines and polarity.</param>
    /// <param name="shouldDispose">Whether disposing this disposes <paramref name="controller"/>.</param>
    public GpioLeds(GpioController controller, LedPins pins, bool shouldDispose = true)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(pins);
        _controller = controller;
        _pins = pins;
        _shouldDispose = shouldDispose;
        foreach (IndicatorLed led in All)
        {
            // The initial value is given with the mode, so an active-low LED does not flash on while opening.
            _controller.OpenPin(pins.For(led), PinMode.Output, Level(false));
        }
    }

    /// <inheritdoc />
    public void Set(IndicatorLed led, bool on) => _controller.Write(_pins.For(led), Level(on));

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (IndicatorLed led in All)
        {
            try
            {
                // Leave the LEDs dark when the program ends.
                _controller.Write(_pins.For(led), Level(false));
                _controller.ClosePin(_pins.For(led));
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                // The chip is gone already: nothing left to turn off.
            }
        }

        if (_shouldDispose)
        {
            _controller.Dispose();
        }
    }

    private PinValue Level(bool on) => on != _pins.ActiveLow ? PinValue.High : PinValue.Low;
}
