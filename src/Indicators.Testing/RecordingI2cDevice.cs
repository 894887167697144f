using System.Device.I2c;

namespace IotSquares.Indicators.Testing;

/// <summary>
/// An <see cref="I2cDevice"/> that hands every write message to a decoder (or any sink), can fail on
/// demand like a real bus (errno 121 when nothing answers), and can take as long as a real bus would.
/// </summary>
public sealed class RecordingI2cDevice : I2cDevice
{
    private readonly Action<byte[]> _sink;
    private readonly Lock _gate = new();

    /// <summary>A device at <paramref name="address"/> on bus <paramref name="bus"/> whose writes go to <paramref name="sink"/>.</summary>
    public RecordingI2cDevice(Action<byte[]> sink, int bus = 1, int address = 0x3C)
    {
        _sink = sink;
        ConnectionSettings = new I2cConnectionSettings(bus, address);
    }

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>When set, every transfer throws what it returns (null: the transfer succeeds).</summary>
    public Func<Exception?>? Fault { get; set; }

    /// <summary>
    /// Bus clock to simulate, in Hz (0: no delay). Each message then takes as long as its bits would on the
    /// wire: 9 clocks per byte (8 data + ACK) plus the address byte, start and stop.
    /// </summary>
    public int SimulatedClockHz { get; set; }

    /// <summary>Write messages received.</summary>
    public long Messages { get; private set; }

    /// <summary>Bytes received.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Disposed by its owner.</summary>
    public bool Disposed { get; private set; }

    /// <inheritdoc />
    public override byte ReadByte()
    {
        Transfer(1);
        return 0;
    }

    /// <inheritdoc />
    public override void Read(Span<byte> buffer)
    {
        Transfer(buffer.Length);
        buffer.Clear();
    }

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Transfer(buffer.Length);
        byte[] copy = buffer.ToArray();
        lock (_gate)
        {
            Messages++;
            BytesWritten += copy.Length;
            _sink(copy);
        }
    }

    /// <inheritdoc />
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    private void Transfer(int bytes)
    {
        if (Fault?.Invoke() is { } error)
        {
            throw error;
        }

        if (SimulatedClockHz > 0)
        {
            // Busy-wait: Thread.Sleep cannot sleep for the tens of microseconds a short message takes.
            long ticks = (long)((((bytes + 1) * 9) + 2) * (double)TimeSpan.TicksPerSecond / SimulatedClockHz);
            var until = DateTime.UtcNow.Ticks + ticks;
            while (DateTime.UtcNow.Ticks < until)
            {
                Thread.SpinWait(20);
            }
        }
    }

    /// <summary>The exception Linux gives .NET when no device acknowledges its address.</summary>
    public static IOException NoAnswer() => new("Error 121 performing I2C data transfer.");
}
