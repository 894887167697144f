using System.Buffers;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Wire;
using IotSquares.Protocol.Textbook;

namespace IotSquares.Protocol;

/// <summary>What the first bytes a server sends say about the dialect it speaks.</summary>
public enum ServerGreetingKind
{
    /// <summary>Too few bytes to tell.</summary>
    NeedMoreData,

    /// <summary>The textbook's <c>Hello. Nice to see you.</c> (all of it has arrived).</summary>
    Textbook,

    /// <summary>A framed line: <c>WELCOME …</c>, or <c>ERR …</c> from a server that refuses the client.</summary>
    Framed,

    /// <summary>Neither.</summary>
    Unknown,
}

/// <summary>
/// Lets a client that greeted with <c>HELLO</c> tell our server from the textbook's: the textbook's
/// server answers any greeting with its fixed text, ours with <c>WELCOME</c>. That is what makes the
/// client's <c>--dialect auto</c> work on a single connection.
/// </summary>
public static class ServerGreetingDetector
{
    /// <summary>Looks at the front of <paramref name="firstBytes"/> without consuming anything.</summary>
    public static ServerGreetingKind Detect(in ReadOnlySequence<byte> firstBytes)
    {
        ReadOnlySpan<byte> head = Prefix.Head(firstBytes, stackalloc byte[32]);
        PrefixMatch textbook = Prefix.Compare(head, TextbookSyntax.ServerGreeting);
        PrefixMatch welcome = Prefix.Compare(head, FramedSyntax.Welcome);
        PrefixMatch error = Prefix.Compare(head, FramedSyntax.Error);
        return (textbook, welcome, error) switch
        {
            (PrefixMatch.Matched, _, _) => ServerGreetingKind.Textbook,
            (_, PrefixMatch.Matched, _) or (_, _, PrefixMatch.Matched) => ServerGreetingKind.Framed,
            (PrefixMatch.Undecided, _, _) or (_, PrefixMatch.Undecided, _) or (_, _, PrefixMatch.Undecided) => ServerGreetingKind.NeedMoreData,
            _ => ServerGreetingKind.Unknown,
        };
    }
}
