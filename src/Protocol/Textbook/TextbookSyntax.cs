namespace IotSquares.Protocol.Textbook;

/// <summary>The fixed texts of the textbook dialogue (Parker, ch. 13), byte for byte.</summary>
public static class TextbookSyntax
{
    /// <summary>The client's greeting, sent with no terminator.</summary>
    public static ReadOnlySpan<byte> ClientGreeting => "Hi there!"u8;

    /// <summary>The server's answer, sent with no terminator.</summary>
    public static ReadOnlySpan<byte> ServerGreeting => "Hello. Nice to see you."u8;

    /// <summary><see cref="ServerGreeting"/> as text, for events and output.</summary>
    public const string ServerGreetingText = "Hello. Nice to see you.";

    /// <summary>
    /// The bytes ignored around a textbook message: ASCII whitespace, the set Python's <c>int()</c>
    /// strips, so a number typed into a terminal with its newline is still a number.
    /// </summary>
    public static ReadOnlySpan<byte> Whitespace => " \t\r\n\v\f"u8;

    /// <summary>The prefix of an error reply (our addition: the textbook server would crash instead).</summary>
    public static ReadOnlySpan<byte> ErrorPrefix => "ERR "u8;
}
