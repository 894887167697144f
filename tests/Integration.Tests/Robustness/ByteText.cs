using System.Text;

namespace IotSquares.Integration.Tests.Robustness;

/// <summary>Bytes for the corpus and readable text for its report.</summary>
internal static class ByteText
{
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static byte[] Fill(char c, int count)
    {
        byte[] bytes = new byte[count];
        bytes.AsSpan().Fill((byte)c);
        return bytes;
    }

    // Bytes as readable text: printable ASCII as is, C escapes for the rest; long runs shortened.
    public static string Show(byte[] bytes)
    {
        if (bytes.Length > 160)
        {
            return $"{Show(bytes[..80])}…{Show(bytes[^40..])} ({bytes.Length:N0} bytes)";
        }

        var text = new StringBuilder();
        foreach (byte b in bytes)
        {
            text.Append(b switch
            {
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                0 => "\\0",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"\\x{b:X2}",
            });
        }

        return text.ToString();
    }

    public static string Cell(string text) => text
        .Replace("|", "\\|", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal)
        .Replace("\r", "\\r", StringComparison.Ordinal);
}
