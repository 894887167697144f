using System.Device.Gpio;

namespace IotSquares.Indicators.Testing;

/// <summary>A write to one GPIO line: when, which line, which level.</summary>
/// <param name="At">The time of the write, from the driver's <see cref="TimeProvider"/>.</param>
/// <param name="Pin">The line (BCM number).</param>
/// <param name="High">The level written.</param>
public readonly record struct PinWrite(DateTimeOffset At, int Pin, bool High);

/// <summary>
/// A <see cref="GpioDriver"/> with 28 lines (a Pi's header) that records every level written, with the
/// time, so tests can read the LED timeline; it can also refuse to open lines like a busy or forbidden chip.
/// </summary>
public sealed class RecordingGpioDriver : GpioDriver
{
    private readonly TimeProvider _time;
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, PinValue> _values = [];
    private readonly List<PinWrite> _writes = [];
    private readonly Lock _gate = new();

    /// <summary>A driver whose writes are stamped by <paramref name="timeProvider"/>.</summary>
    public RecordingGpioDriver(TimeProvider timeProvider) => _time = timeProvider;

    /// <summary>When set, opening a line throws what it returns.</summary>
    public Func<int, Exception?>? OpenFault { get; set; }

    /// <summary>Every write so far.</summary>
    public IReadOnlyList<PinWrite> Writes
    {
        get
        {
            lock (_gate)
            {
                return _writes.ToArray();
            }
        }
    }

    /// <summary>The current level of <paramref name="pin"/> (low if never written).</summary>
    public bool IsHigh(int pin)
    {
        lock (_gate)
        {
            return _values.TryGetValue(pin, out PinValue value) && value == PinValue.High;
        }
    }

    /// <inheritdoc />
    protected override int PinCount => 28;

    /// <inheritdoc />
    protected override void OpenPin(int pinNumber)
    {
        if (OpenFault?.Invoke(pinNumber) is { } error)
        {
            throw error;
        }

        lock (_gate)
        {
            _modes[pinNumber] = PinMode.Input;
        }
    }

    /// <inheritdoc />
    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            _modes.Remove(pinNumber);
        }
    }

    /// <inheritdoc />
    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            _modes[pinNumber] = mode;
        }
    }

    /// <inheritdoc />
    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate)
        {
            return _modes.GetValueOrDefault(pinNumber, PinMode.Input);
        }
    }

    /// <inheritdoc />
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    /// <inheritdoc />
    protected override PinValue Read(int pinNumber)
    {
        lock (_gate)
        {
            return _values.GetValueOrDefault(pinNumber, PinValue.Low);
        }
    }

    /// <inheritdoc />
    protected override void Write(int pinNumber, PinValue value)
    {
        lock (_gate)
        {
            _values[pinNumber] = value;
            _writes.Add(new PinWrite(_time.GetUtcNow(), pinNumber, value == PinValue.High));
        }
    }

    /// <inheritdoc />
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The LEDs never wait for input.");

    /// <inheritdoc />
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException("The LEDs never wait for input.");

    /// <inheritdoc />
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        throw new NotSupportedException("The LEDs never wait for input.");
}
