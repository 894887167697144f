using System.Globalization;

namespace IotSquares.VirtualPi;

/// <summary>
/// One transfer from the lab module's record (<c>/sys/kernel/debug/pisquare_lab/i2c</c>):
/// <c>"&lt;ns&gt; &lt;addr&gt; w &lt;hex bytes&gt;"</c> for a write, <c>"&lt;ns&gt; &lt;addr&gt; r &lt;length&gt;"</c> for a read.
/// </summary>
/// <param name="Nanoseconds">Monotonic time of the transfer on the guest.</param>
/// <param name="Address">7-bit I2C address.</param>
/// <param name="Bytes">Bytes written (empty for a read).</param>
public sealed record I2cRecord(ulong Nanoseconds, int Address, byte[] Bytes)
{
    /// <summary>Parses the write records of a record file; reads and malformed lines are skipped.</summary>
    public static IEnumerable<I2cRecord> Writes(TextReader reader)
    {
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 4 || parts[2] != "w"
                || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong ns)
                || !int.TryParse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int address)
                || parts[3].Length % 2 != 0)
            {
                continue;
            }

            yield return new I2cRecord(ns, address, Convert.FromHexString(parts[3]));
        }
    }
}
