using System.Buffers;
using System.Globalization;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Wire;

namespace IotSquares.Protocol.Sessions;

/// <summary>
/// The framed dialect, server side: <c>HELLO</c> first, then any number of requests (pipelined,
/// answered in order), errors in place of replies, and a goodbye that confirms the count.
/// </summary>
public sealed class FramedServerSession : ServerSession
{
    private readonly FramedCodec _codec;

    /// <summary>Creates the session for one connection.</summary>
    public FramedServerSession(FramedCodec codec, ConnectionInfo connection, IExchangeObserver observer)
        : base(connection, observer)
    {
        ArgumentNullException.ThrowIfNull(codec);
        _codec = codec;
    }

    /// <inheritdoc />
    public override Dialect Dialect => Dialect.Framed;

    /// <summary>The version agreed in the handshake (0 before it).</summary>
    public int Version { get; private set; }

    /// <inheritdoc />
    public override SessionStatus Process(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output)
    {
        while (true)
        {
            if (IsHandshakeComplete)
            {
                ServeSmallRequests(ref buffer, output);
            }

            if (!_codec.TryParseClientMessage(ref buffer, out ClientMessage message))
            {
                break;
            }

            SessionStatus status = IsHandshakeComplete ? Handle(message, output) : HandleGreeting(message, output);
            if (status.IsClosing)
            {
                return status;
            }
        }

        return SessionStatus.Open;
    }

    /// <inheritdoc />
    public override void WriteShutdown(IBufferWriter<byte> output)
    {
        FramedCodec.WriteServerGoodbye(output, SquaresServed, FramedSyntax.ShutdownReason);
        ReportGoodbye(GoodbyeInitiator.Server);
    }

    /// <inheritdoc />
    protected override void WriteSquare(IBufferWriter<byte> output, in ProtocolInteger square) => FramedCodec.WriteNumber(output, square);

    /// <inheritdoc />
    protected override void WriteError(IBufferWriter<byte> output, in ProtocolError error) => FramedCodec.WriteError(output, error);

    // The common case in one pass over the first segment, as a C server loops over its read buffer:
    // canonical 64-bit requests answered straight into the output span. Stops at the first line that is
    // anything else (or incomplete), which the general parser then takes as it always has.
    private void ServeSmallRequests(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output)
    {
        ReadOnlySpan<byte> input = buffer.FirstSpan;
        int maxDigits = _codec.Limits.MaxDigits;
        int consumed = 0;
        Span<byte> replies = default;
        int written = 0;
        long served = 0;
        long value = 0;
        while (true)
        {
            int length = SmallIntegerLine.TryRead(input[consumed..], maxDigits, out long next);
            if (length == 0)
            {
                break;
            }

            // A square of at most 19 digits and its LF.
            if (replies.Length - written < 20)
            {
                output.Advance(written);
                replies = output.GetSpan(4096);
                written = 0;
            }

            value = next;
            long square = value * value;
            square.TryFormat(replies[written..], out int digits, default, CultureInfo.InvariantCulture);
            written += digits;
            replies[written++] = (byte)'\n';
            consumed += length;
            served++;
        }

        if (consumed > 0)
        {
            output.Advance(written);
            buffer = buffer.Slice(consumed);
            // Counted once for the whole run of lines; only the last value matters to the observer (latest wins).
            Served(new ProtocolInteger(value), new ProtocolInteger(value * value), served);
        }
    }

    private SessionStatus HandleGreeting(in ClientMessage message, IBufferWriter<byte> output)
    {
        if (message.Kind != ClientMessageKind.Hello || message.OfferedVersions is null)
        {
            ErrorCode code = message.Error == ErrorCode.LineTooLong ? ErrorCode.LineTooLong : ErrorCode.HandshakeRequired;
            return Reject(output, ProtocolError.For(code));
        }

        int? version = VersionNegotiation.Choose(message.OfferedVersions, FramedSyntax.OldestVersion, FramedSyntax.CurrentVersion);
        if (version is null)
        {
            string spoken = FramedSyntax.OldestVersion == FramedSyntax.CurrentVersion
                ? $"{FramedSyntax.CurrentVersion}"
                : $"{FramedSyntax.OldestVersion}-{FramedSyntax.CurrentVersion}";
            return Reject(output, new ProtocolError(
                ErrorCode.VersionNotSupported,
                $"version not supported; this server speaks {FramedSyntax.ProtocolName}/{spoken}"));
        }

        Version = version.Value;
        _codec.WriteWelcome(output, Version);
        CompleteHandshake(Version, _codec.WelcomeText(Version));
        return SessionStatus.Open;
    }

    private SessionStatus Handle(in ClientMessage message, IBufferWriter<byte> output)
    {
        switch (message.Kind)
        {
            case ClientMessageKind.Number:
                return Serve(message.Number, output);

            case ClientMessageKind.Goodbye:
                FramedCodec.WriteServerGoodbye(output, SquaresServed, reason: null);
                ReportGoodbye(GoodbyeInitiator.Client);
                return SessionStatus.Close(CloseReason.ClientGoodbye);

            case ClientMessageKind.Hello:
                return Reject(output, ProtocolError.For(ErrorCode.AlreadyGreeted));

            default:
                return Reject(output, ProtocolError.For(message.Error));
        }
    }
}
