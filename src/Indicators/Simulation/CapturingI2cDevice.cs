using System.Buffers.Binary;
using System.Device.I2c;

namespace IotSquares.Indicators.Simulation;

/// <summary>
/// The simulated bus: an <see cref="I2cDevice"/> that accepts every write and, when given a stream,
/// appends each message as a 2-byte big-endian length and the bytes, so that a test (or the virtual Pi
/// lab) can decode afterwards exactly what a real display would have received.
/// </summary>
public sealed class CapturingI2cDevice : I2cDevice
{
    private readonly Stream? _capture;
    private readonly int _busHz;
    private readonly Lock _gate = new();

    /// <summary>A device at <paramref name="address"/> on <paramref name="bus"/>, capturing into <paramref name="capture"/> if not null (owned).</summary>
    /// <param name="bus">Bus number.</param>
    /// <param name="address">7-bit address.</param>
    /// <param name="capture">Where to append the messages, or null.</param>
    /// <param name="busHz">When not 0, each write sleeps as long as it would take on a bus of this clock.</param>
    public CapturingI2cDevice(int bus, int address, Stream? capture, int busHz = 0)
    {
        ConnectionSettings = new I2cConnectionSettings(bus, address);
        _capture = capture;
        _busHz = busHz;
    }

    /// <inheritdoc />
    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>Reads every message of a capture written by this class.</summary>
    public static IEnumerable<byte[]> ReadCapture(Stream capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        var header = new byte[2];
        while (capture.Read(header) == 2)
        {
            var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(header)];
            capture.ReadExactly(message);
            yield return message;
        }
    }

    /// <inheritdoc />
    public override byte ReadByte() => 0;

    /// <inheritdoc />
    public override void Read(Span<byte> buffer) => buffer.Clear();

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_busHz > 0)
        {
            // 9 clocks a byte (8 bits and the acknowledge), the address byte, start and stop. Sleeping, not
            // spinning: on a Pi the kernel's I2C driver waits for the bus without using the CPU either.
            Thread.Sleep(TimeSpan.FromSeconds((((buffer.Length + 1) * 9) + 2) / (double)_busHz));
        }

        if (_capture is null)
        {
            return;
        }

        Span<byte> header = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)buffer.Length);
        lock (_gate)
        {
            _capture.Write(header);
            _capture.Write(buffer);
            _capture.Flush();
        }
    }

    /// <inheritdoc />
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        readBuffer.Clear();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _capture?.Dispose();
        }

        base.Dispose(disposing);
    }
}
