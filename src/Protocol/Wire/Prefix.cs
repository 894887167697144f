using System.Buffers;

namespace IotSquares.Protocol.Wire;

/// <summary>How the first bytes of a stream compare with a fixed greeting.</summary>
public enum PrefixMatch
{
    /// <summary>The bytes start with the whole greeting.</summary>
    Matched,

    /// <summary>The bytes so far are the start of the greeting: more must arrive to tell.</summary>
    Undecided,

    /// <summary>The bytes cannot start the greeting.</summary>
    Mismatched,
}

/// <summary>Compares the front of a stream with fixed greetings, however few bytes have arrived.</summary>
public static class Prefix
{
    /// <summary>Copies up to <paramref name="scratch"/>.Length bytes from the front of <paramref name="bytes"/>.</summary>
    public static ReadOnlySpan<byte> Head(in ReadOnlySequence<byte> bytes, Span<byte> scratch)
    {
        int length = (int)Math.Min(bytes.Length, scratch.Length);
        bytes.Slice(0, length).CopyTo(scratch);
        return scratch[..length];
    }

    /// <summary>How <paramref name="head"/> compares with <paramref name="greeting"/>.</summary>
    public static PrefixMatch Compare(ReadOnlySpan<byte> head, ReadOnlySpan<byte> greeting)
    {
        if (head.Length >= greeting.Length)
        {
            return head.StartsWith(greeting) ? PrefixMatch.Matched : PrefixMatch.Mismatched;
        }

        return greeting.StartsWith(head) ? PrefixMatch.Undecided : PrefixMatch.Mismatched;
    }
}
