using System.Buffers;
using System.Globalization;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Wire;

/// <summary>Small helpers that put ASCII text and integers into an <see cref="IBufferWriter{T}"/>.</summary>
public static class WireWriter
{
    /// <summary>Copies raw bytes.</summary>
    public static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = writer.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        writer.Advance(bytes.Length);
    }

    /// <summary>Writes one byte.</summary>
    public static void Write(IBufferWriter<byte> writer, byte value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    /// <summary>Writes an integer in decimal ASCII.</summary>
    public static void Write(IBufferWriter<byte> writer, in ProtocolInteger value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = writer.GetSpan(value.MaxFormattedLength);
        if (!value.TryFormat(span, out int written))
        {
            throw new InvalidOperationException("The buffer writer returned less memory than it was asked for.");
        }

        writer.Advance(written);
    }

    /// <summary>Writes a 64-bit integer in decimal ASCII.</summary>
    public static void Write(IBufferWriter<byte> writer, long value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = writer.GetSpan(20);
        value.TryFormat(span, out int written, default, CultureInfo.InvariantCulture);
        writer.Advance(written);
    }

    /// <summary>
    /// Writes free text as printable ASCII: anything else becomes '?', so a peer's text can never
    /// break the framing or smuggle control characters into a log or terminal.
    /// </summary>
    public static void WritePrintable(IBufferWriter<byte> writer, string text)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(text);
        Span<byte> span = writer.GetSpan(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            span[i] = c is >= ' ' and <= '~' ? (byte)c : (byte)'?';
        }

        writer.Advance(text.Length);
    }

    /// <summary>Decodes bytes a peer sent as printable ASCII text, replacing anything else with '?'.</summary>
    public static string ReadPrintable(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = bytes.Length <= 256 ? stackalloc char[bytes.Length] : new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            byte b = bytes[i];
            chars[i] = b is >= 0x20 and <= 0x7E ? (char)b : '?';
        }

        return new string(chars);
    }
}
