using System.Buffers;
using System.Text;
using IotSquares.TestKit;

namespace IotSquares.Protocol.Tests.Support;

/// <summary>Builds byte sequences the way a socket might deliver them: in arbitrary pieces.</summary>
internal static class Sequences
{
    /// <summary>The bytes of <paramref name="text"/>, one byte per char (Latin-1), so that "\u00FF" is byte 0xFF.</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>The bytes as text, one char per byte.</summary>
    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>The bytes of a sequence as text, one char per byte.</summary>
    public static string Text(in ReadOnlySequence<byte> bytes) => Encoding.Latin1.GetString(bytes.ToArray());

    /// <summary>
    /// A sequence with one segment per chunk (empty chunks are skipped, as a pipe never links an
    /// empty segment). No chunks at all give the empty sequence.
    /// </summary>
    public static ReadOnlySequence<byte> Create(IEnumerable<ReadOnlyMemory<byte>> chunks) => ChunkedSequence.Create(chunks);

    /// <summary>A sequence with one segment per chunk.</summary>
    public static ReadOnlySequence<byte> Create(params byte[][] chunks) =>
        Create(chunks.Select(static c => (ReadOnlyMemory<byte>)c));

    /// <summary>Every way to cut <paramref name="data"/> in two non-empty pieces.</summary>
    public static IEnumerable<byte[][]> TwoPieceSplits(byte[] data)
    {
        for (int cut = 1; cut < data.Length; cut++)
        {
            yield return [data[..cut], data[cut..]];
        }
    }

    /// <summary><paramref name="data"/> one byte at a time.</summary>
    public static byte[][] OneBytePieces(byte[] data) => [.. data.Select(static b => new[] { b })];

    /// <summary>
    /// Every two-piece split, then one byte per piece: the deliveries a parser must not be able to tell apart.
    /// The description says which delivery failed.
    /// </summary>
    public static IEnumerable<(string Description, byte[][] Pieces)> AllDeliveries(byte[] data)
    {
        for (int cut = 1; cut < data.Length; cut++)
        {
            yield return ($"cut at {cut}", [data[..cut], data[cut..]]);
        }

        yield return ("one byte per segment", OneBytePieces(data));
    }
}
