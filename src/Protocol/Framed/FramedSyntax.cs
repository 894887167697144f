namespace IotSquares.Protocol.Framed;

/// <summary>The words of the framed dialect, as bytes on the wire.</summary>
public static class FramedSyntax
{
    /// <summary>The protocol's name in greetings.</summary>
    public const string ProtocolName = "squares";

    /// <summary>The newest version this library speaks.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The oldest version this library speaks.</summary>
    public const int OldestVersion = 1;

    /// <summary>The client's greeting keyword, with its trailing space.</summary>
    public static ReadOnlySpan<byte> Hello => "HELLO "u8;

    /// <summary>The server's answer to a greeting, with its trailing space.</summary>
    public static ReadOnlySpan<byte> Welcome => "WELCOME "u8;

    /// <summary>Goodbye, in both directions.</summary>
    public static ReadOnlySpan<byte> Bye => "BYE"u8;

    /// <summary>The prefix of an error reply, with its trailing space.</summary>
    public static ReadOnlySpan<byte> Error => "ERR "u8;

    /// <summary>The protocol name followed by the version separator.</summary>
    public static ReadOnlySpan<byte> ProtocolPrefix => "squares/"u8;

    /// <summary>The welcome parameter that states the server's digit limit.</summary>
    public const string MaxDigitsParameter = "max-digits";

    /// <summary>The welcome parameter that states the server's line limit.</summary>
    public const string MaxLineParameter = "max-line";

    /// <summary>The goodbye reason a server gives when it stops.</summary>
    public const string ShutdownReason = "server shutting down";
}
