using System.Buffers;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Sessions;
using IotSquares.Protocol.Textbook;
using IotSquares.TestKit;

namespace IotSquares.Protocol.Fuzz;

/// <summary>
/// Everything one input is fed to. Each target runs the library the way its real caller does (the
/// server's connection loop, the client's reply loop) and checks the library's own promises. Any
/// exception escaping <see cref="Run"/> is a finding: either the library threw, or it broke a promise
/// and <see cref="FuzzFinding"/> says which. The codec targets are here, the server's connection loop in
/// Targets.Server.cs, the read loop and the checks they share in Targets.Checks.cs.
/// </summary>
internal static partial class Targets
{
    // What a textbook client may be waiting for (chosen by the control byte's seed).
    private static readonly byte[][] ExpectedSquares =
    [
        "0"u8.ToArray(), "1"u8.ToArray(), "49"u8.ToArray(), "9801"u8.ToArray(),
        "152415787526596567801"u8.ToArray(), "85070591730234615847396907784232501249"u8.ToArray(),
        "100"u8.ToArray(), "4"u8.ToArray(),
    ];

    public static void Run(byte[] data)
    {
        FuzzInput input = FuzzInput.Parse(data);
        var framed = new FramedCodec(input.Limits);
        var textbook = new TextbookCodec(input.Limits);

        FramedClientMessages(input, framed);
        FramedServerMessages(input, framed);
        TextbookRequests(input, textbook);
        TextbookReplies(input, textbook);
        Detectors(input);
        ServerConnection(input, framed, textbook);
    }

    // The server's framed read loop (requests, HELLO, BYE) and the client's (replies, WELCOME, ERR, BYE), read
    // by read, against the same bytes in one read: the messages must be the same however the stream was cut
    // (PROTOCOL.md §5, LineFramer).
    private static void FramedClientMessages(FuzzInput input, FramedCodec codec) =>
        SplitAndWholeAgree(input, "client lines", (ref ReadOnlySequence<byte> buffer, out string message) =>
        {
            bool parsed = codec.TryParseClientMessage(ref buffer, out ClientMessage m);
            message = parsed ? Describe(m) : string.Empty;
            return parsed;
        });

    private static void FramedServerMessages(FuzzInput input, FramedCodec codec) =>
        SplitAndWholeAgree(input, "server lines", (ref ReadOnlySequence<byte> buffer, out string message) =>
        {
            bool parsed = codec.TryParseServerMessage(ref buffer, out ServerMessage m);
            message = parsed ? Describe(m) : string.Empty;
            return parsed;
        });

    // The textbook dialect has no delimiter: each read is one request, and the parser takes it all.
    private static void TextbookRequests(FuzzInput input, TextbookCodec codec)
    {
        foreach (byte[] read in input.Reads)
        {
            ReadOnlySequence<byte> buffer = new(read);
            if (!codec.TryParseRequest(ref buffer, out ClientMessage message))
            {
                throw new FuzzFinding("TryParseRequest refused a non-empty message");
            }

            if (message.Kind == ClientMessageKind.Invalid && message.Error == ErrorCode.LineTooLong)
            {
                Expect(buffer.Length == read.Length, "a too-long textbook message was consumed");
                Expect(read.Length > codec.Limits.MaxLineLength, $"a message of {read.Length} bytes was called too long");
                return;
            }

            Expect(buffer.IsEmpty, "a textbook request was not consumed whole");
            CheckMessage(message, codec.Limits);
        }
    }

    // The client's textbook reply loop: accumulate reads until the codec says a reply is whole.
    private static void TextbookReplies(FuzzInput input, TextbookCodec codec)
    {
        byte[] expected = ExpectedSquares[input.Seed];
        var received = new List<byte>();
        foreach (byte[] read in input.Reads)
        {
            received.AddRange(read);
            if (received.Count > codec.Limits.MaxReplyLineLength)
            {
                return; // The client stops here (exit 3); the codec is not asked about longer replies.
            }

            if (codec.TryParseReply(received.ToArray(), expected, out _))
            {
                received.Clear();
            }
        }
    }

    // Both detectors only peek, must agree for one segment and many, and never change their mind.
    private static void Detectors(FuzzInput input)
    {
        var seen = new List<ReadOnlyMemory<byte>>();
        var contiguous = new List<byte>();
        DetectionResult dialectDecided = DetectionResult.NeedMoreData;
        ServerGreetingKind greetingDecided = ServerGreetingKind.NeedMoreData;
        foreach (byte[] read in input.Reads)
        {
            seen.Add(read);
            contiguous.AddRange(read);
            ReadOnlySequence<byte> segmented = ChunkedSequence.Create(seen);
            ReadOnlySequence<byte> flat = new(contiguous.ToArray());

            DetectionResult dialect = DialectDetector.Detect(segmented);
            Expect(dialect == DialectDetector.Detect(flat), "DialectDetector depends on the segments");
            Expect(dialectDecided == DetectionResult.NeedMoreData || dialect == dialectDecided, $"DialectDetector changed its mind: {dialectDecided} then {dialect}");
            dialectDecided = dialect;

            ServerGreetingKind greeting = ServerGreetingDetector.Detect(segmented);
            Expect(greeting == ServerGreetingDetector.Detect(flat), "ServerGreetingDetector depends on the segments");
            Expect(greetingDecided == ServerGreetingKind.NeedMoreData || greeting == greetingDecided, $"ServerGreetingDetector changed its mind: {greetingDecided} then {greeting}");
            greetingDecided = greeting;
        }
    }
    private static void CheckMessage(in ClientMessage message, ProtocolLimits limits)
    {
        if (message.Kind == ClientMessageKind.Number)
        {
            string digits = BigIntegerText(message.Number).TrimStart('-');
            Expect(digits.Length <= limits.MaxDigits, $"a number of {digits.Length} digits passed a limit of {limits.MaxDigits}");
            ProtocolInteger square = message.Number.Square();
            Expect(square.ToBigInteger() == message.Number.ToBigInteger() * message.Number.ToBigInteger(), "Square() is wrong");
        }
    }
}
