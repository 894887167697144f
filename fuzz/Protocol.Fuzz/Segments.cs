using System.Buffers;
using IotSquares.TestKit;

namespace IotSquares.Protocol.Fuzz;

/// <summary>
/// Builds the buffers a System.IO.Pipelines reader would see: one segment per read, the unconsumed
/// rest of earlier reads in front, each keeping its own segments.
/// </summary>
internal static class Segments
{
    /// <summary>A sequence with one segment per non-empty chunk (a pipe never links an empty segment).</summary>
    public static ReadOnlySequence<byte> Create(IEnumerable<ReadOnlyMemory<byte>> chunks) => ChunkedSequence.Create(chunks);

    /// <summary>The segments of what is left of <paramref name="buffer"/>, to put in front of the next read.</summary>
    public static List<ReadOnlyMemory<byte>> Rest(in ReadOnlySequence<byte> buffer)
    {
        var rest = new List<ReadOnlyMemory<byte>>();
        foreach (ReadOnlyMemory<byte> memory in buffer)
        {
            rest.Add(memory);
        }

        return rest;
    }
}
