using System.Buffers;
using IotSquares.Protocol.Framed;
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
        Span<byte> head = stackalloc byte[32];
        int length = (int)Math.Min(firstBytes.Length, head.Length);
        firstBytes.Slice(0, length).CopyTo(head);
        head = head[..length];

        bool undecided = false;
        foreach ((byte[] prefix, ServerGreetingKind kind) in Candidates)
        {
            if (head.Length >= prefix.Length)
            {
                if (head.StartsWith(prefix))
                {
                    return kind;
                }
            }
            else if (prefix.AsSpan().StartsWith(head))
            {
                undecided = true;
            }
        }

        return undecided ? ServerGreetingKind.NeedMoreData : ServerGreetingKind.Unknown;
    }

    private static readonly (byte[] Prefix, ServerGreetingKind Kind)[] Candidates =
    [
        (TextbookSyntax.ServerGreeting.ToArray(), ServerGreetingKind.Textbook),
        (FramedSyntax.Welcome.ToArray(), ServerGreetingKind.Framed),
        (FramedSyntax.Error.ToArray(), ServerGreetingKind.Framed),
    ];
}
