using System.Buffers;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Wire;
using IotSquares.Protocol.Textbook;

namespace IotSquares.Protocol;

/// <summary>What the first bytes of a connection say about its dialect.</summary>
public enum DetectionResult
{
    /// <summary>Too few bytes to tell: both greetings could still follow.</summary>
    NeedMoreData,

    /// <summary>The bytes start with <c>Hi there!</c>.</summary>
    Textbook,

    /// <summary>The bytes start with <c>HELLO </c>.</summary>
    Framed,

    /// <summary>The bytes can start neither greeting.</summary>
    Unknown,
}

/// <summary>Tells the dialect from a connection's first bytes, however few arrive at a time.</summary>
public static class DialectDetector
{
    /// <summary>Looks at the front of <paramref name="firstBytes"/> without consuming anything.</summary>
    public static DetectionResult Detect(in ReadOnlySequence<byte> firstBytes)
    {
        ReadOnlySpan<byte> head = Prefix.Head(firstBytes, stackalloc byte[16]);
        PrefixMatch textbook = Prefix.Compare(head, TextbookSyntax.ClientGreeting);
        PrefixMatch framed = Prefix.Compare(head, FramedSyntax.Hello);
        return (textbook, framed) switch
        {
            (PrefixMatch.Matched, _) => DetectionResult.Textbook,
            (_, PrefixMatch.Matched) => DetectionResult.Framed,
            (PrefixMatch.Undecided, _) or (_, PrefixMatch.Undecided) => DetectionResult.NeedMoreData,
            _ => DetectionResult.Unknown,
        };
    }
}
