using System.Buffers;

namespace IotSquares.Protocol.Fuzz;

/// <summary>
/// Builds the buffers a System.IO.Pipelines reader would see: one segment per read, the unconsumed
/// rest of earlier reads in front, each keeping its own segments.
/// </summary>
internal static class Segments
{
    /// <summary>A sequence with one segment per non-empty chunk (a pipe never links an empty segment).</summary>
    public static ReadOnlySequence<byte> Create(IEnumerable<ReadOnlyMemory<byte>> chunks)
    {
        Segment? first = null;
        Segment? last = null;
        foreach (ReadOnlyMemory<byte> chunk in chunks)
        {
            if (chunk.IsEmpty)
            {
                continue;
            }

            if (first is null)
            {
                first = new Segment(chunk, 0);
                last = first;
            }
            else
            {
                last = last!.Append(chunk);
            }
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

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

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
