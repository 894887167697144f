using System.Buffers;

namespace IotSquares.TestKit;

/// <summary>
/// What a System.IO.Pipelines read loop hands its parser, without a pipe: after each read, the bytes the
/// parser left unconsumed (each keeping its own segments), then the new read as one more segment. The
/// one copy of that loop for the protocol tests and the fuzzing harness.
/// </summary>
public sealed class ReadLoopBuffer
{
    private List<ReadOnlyMemory<byte>> _unconsumed = [];

    /// <summary>What is left unconsumed now.</summary>
    public ReadOnlySequence<byte> Unconsumed => ChunkedSequence.Create(_unconsumed);

    /// <summary>One read arrives: returns the buffer the parser sees, the unconsumed rest first.</summary>
    public ReadOnlySequence<byte> Append(ReadOnlyMemory<byte> read)
    {
        _unconsumed.Add(read);
        return ChunkedSequence.Create(_unconsumed);
    }

    /// <summary>The parser is done with this read: <paramref name="rest"/> is what it did not consume.</summary>
    public void Keep(in ReadOnlySequence<byte> rest)
    {
        var kept = new List<ReadOnlyMemory<byte>>();
        foreach (ReadOnlyMemory<byte> memory in rest)
        {
            kept.Add(memory);
        }

        _unconsumed = kept;
    }
}
