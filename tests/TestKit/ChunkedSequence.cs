using System.Buffers;

namespace IotSquares.TestKit;

/// <summary>
/// Builds a multi-segment <see cref="ReadOnlySequence{T}"/> from chunks, the way a pipe hands over bytes
/// that arrived in several reads. Used by the protocol tests, the codec benchmarks
/// and the fuzzing harness.
/// </summary>
public static class ChunkedSequence
{
    /// <summary>
    /// A sequence with one segment per chunk (empty chunks are skipped, as a pipe never links an
    /// empty segment). No chunks at all give the empty sequence.
    /// </summary>
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
