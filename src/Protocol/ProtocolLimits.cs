namespace IotSquares.Protocol;

/// <summary>
/// The sizes a peer is allowed to send. Both dialects obey the same limits, so a
/// server's memory per connection is bounded whatever arrives on its port.
/// </summary>
public sealed record ProtocolLimits
{
    /// <summary>The default for <see cref="MaxDigits"/>.</summary>
    public const int DefaultMaxDigits = 4096;

    /// <summary>The default for <see cref="MaxLineLength"/>.</summary>
    public const int DefaultMaxLineLength = 8192;

    /// <summary>The smallest <see cref="MaxLineLength"/> accepted: room for any greeting line.</summary>
    public const int MinimumLineLength = 128;

    /// <summary>Limits with every default.</summary>
    public static ProtocolLimits Default { get; } = new();

    /// <summary>
    /// The most decimal digits a request's integer may have (a sign is not a digit).
    /// A longer number is refused with error 402 and the connection goes on.
    /// </summary>
    public int MaxDigits { get; init; } = DefaultMaxDigits;

    /// <summary>
    /// The most bytes one line may hold, not counting its LF or CRLF terminator. In the textbook
    /// dialect, the most bytes one message may hold. A longer line closes the connection with error 501,
    /// because nothing after it can be trusted to be framed.
    /// </summary>
    public int MaxLineLength { get; init; } = DefaultMaxLineLength;

    /// <summary>
    /// The longest line a client must accept from a server: the square of a number of
    /// <see cref="MaxDigits"/> digits has up to twice as many digits, plus a sign.
    /// </summary>
    public int MaxReplyLineLength => Math.Max(MaxLineLength, checked((2 * MaxDigits) + 1));

    /// <summary>Throws when the limits contradict each other.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of its range.</exception>
    public void Validate()
    {
        if (MaxDigits < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDigits), MaxDigits, "MaxDigits must be at least 1.");
        }

        if (MaxDigits > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDigits), MaxDigits, "MaxDigits must be at most 1,000,000.");
        }

        int needed = Math.Max(MinimumLineLength, MaxDigits + 1);
        if (MaxLineLength < needed)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxLineLength),
                MaxLineLength,
                $"MaxLineLength must be at least {needed} (a sign plus MaxDigits digits, and never below {MinimumLineLength}).");
        }
    }
}
