using System.Buffers;
using IotSquares.Protocol.Framed;
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
        Span<byte> head = stackalloc byte[16];
        int length = (int)Math.Min(firstBytes.Length, head.Length);
        firstBytes.Slice(0, length).CopyTo(head);
        head = head[..length];

        DetectionResult textbook = Match(head, TextbookSyntax.ClientGreeting, DetectionResult.Textbook);
        DetectionResult framed = Match(head, FramedSyntax.Hello, DetectionResult.Framed);
        if (textbook is DetectionResult.Textbook || framed is DetectionResult.Framed)
        {
            return textbook is DetectionResult.Textbook ? textbook : framed;
        }

        return textbook is DetectionResult.NeedMoreData || framed is DetectionResult.NeedMoreData
            ? DetectionResult.NeedMoreData
            : DetectionResult.Unknown;
    }

    private static DetectionResult Match(ReadOnlySpan<byte> head, ReadOnlySpan<byte> greeting, DetectionResult whenComplete)
    {
        if (head.Length >= greeting.Length)
        {
            return head.StartsWith(greeting) ? whenComplete : DetectionResult.Unknown;
        }

        return greeting.StartsWith(head) ? DetectionResult.NeedMoreData : DetectionResult.Unknown;
    }
}
