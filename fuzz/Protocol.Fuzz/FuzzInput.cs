using IotSquares.Protocol;

namespace IotSquares.Protocol.Fuzz;

/// <summary>
/// How one fuzz input is read. Its first byte is the <em>control byte</em>; the rest is the byte
/// stream a peer sends. The control byte chooses how the stream is cut into reads and which limits
/// the codecs enforce, so the fuzzer explores both by mutating a single byte:
/// <list type="bullet">
/// <item>bits 0–2: <c>k</c>; reads are at most 2^k bytes long (k = 0: one byte per read), except
/// that the value 7 means "the whole stream in one read";</item>
/// <item>bits 3–4: the limits: default (4096 digits, 8192-byte lines), small (20 digits, 128-byte
/// lines), tiny (1 digit, 128-byte lines), or 300 digits with a line just long enough (301 bytes);</item>
/// <item>bits 5–7: a seed for the read lengths, and the square a textbook client expects.</item>
/// </list>
/// </summary>
internal sealed class FuzzInput
{
    private static readonly ProtocolLimits Small = new() { MaxDigits = 20, MaxLineLength = ProtocolLimits.MinimumLineLength };
    private static readonly ProtocolLimits Tiny = new() { MaxDigits = 1, MaxLineLength = ProtocolLimits.MinimumLineLength };
    private static readonly ProtocolLimits Wide = new() { MaxDigits = 300, MaxLineLength = 301 };

    private FuzzInput(byte control, byte[] stream)
    {
        Control = control;
        Stream = stream;
        Limits = ((control >> 3) & 3) switch
        {
            0 => ProtocolLimits.Default,
            1 => Small,
            2 => Tiny,
            _ => Wide,
        };
        Reads = Cut(control, stream);
    }

    /// <summary>The control byte (0 when the input was empty).</summary>
    public byte Control { get; }

    /// <summary>The bytes the peer sends.</summary>
    public byte[] Stream { get; }

    /// <summary>The limits every codec is built with for this input.</summary>
    public ProtocolLimits Limits { get; }

    /// <summary>The stream cut into non-empty reads, in order; together they are exactly <see cref="Stream"/>.</summary>
    public IReadOnlyList<byte[]> Reads { get; }

    /// <summary>A seed in 0–7 taken from the control byte's top bits.</summary>
    public int Seed => Control >> 5;

    public static FuzzInput Parse(byte[] data) =>
        data.Length == 0 ? new FuzzInput(0, []) : new FuzzInput(data[0], data[1..]);

    private static List<byte[]> Cut(byte control, byte[] stream)
    {
        var reads = new List<byte[]>();
        int exponent = control & 7;
        if (exponent == 7)
        {
            if (stream.Length > 0)
            {
                reads.Add(stream);
            }

            return reads;
        }

        // xorshift32, seeded from the control byte and the length: deterministic for one input,
        // different read lengths for inputs that differ only in length.
        uint state = 0x9E3779B9u ^ ((uint)control << 16) ^ (uint)stream.Length;
        int longest = 1 << exponent;
        for (int at = 0; at < stream.Length;)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            int length = Math.Min(1 + (int)(state % (uint)longest), stream.Length - at);
            reads.Add(stream[at..(at + length)]);
            at += length;
        }

        return reads;
    }
}
