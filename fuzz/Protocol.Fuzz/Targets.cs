using System.Buffers;
using System.Globalization;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
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
/// and <see cref="FuzzFinding"/> says which.
/// </summary>
internal static class Targets
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

    // The server's framed read loop, read by read, against the same bytes in one read: the messages
    // must be the same however the stream was cut (PROTOCOL.md §5, LineFramer).
    private static void FramedClientMessages(FuzzInput input, FramedCodec codec)
    {
        List<string> split = Feed(input.Reads, (ref ReadOnlySequence<byte> b, out string m) => Parse(codec, ref b, out m));
        List<string> whole = Feed(input.Stream.Length == 0 ? [] : [input.Stream], (ref ReadOnlySequence<byte> b, out string m) => Parse(codec, ref b, out m));
        ExpectSame(split, whole, "client lines");

        static bool Parse(FramedCodec codec, ref ReadOnlySequence<byte> buffer, out string message)
        {
            bool parsed = codec.TryParseClientMessage(ref buffer, out ClientMessage m);
            message = parsed ? Describe(m) : string.Empty;
            return parsed;
        }
    }

    // The client's framed read loop (replies, WELCOME, ERR, BYE), with the same check.
    private static void FramedServerMessages(FuzzInput input, FramedCodec codec)
    {
        List<string> split = Feed(input.Reads, (ref ReadOnlySequence<byte> b, out string m) => Parse(codec, ref b, out m));
        List<string> whole = Feed(input.Stream.Length == 0 ? [] : [input.Stream], (ref ReadOnlySequence<byte> b, out string m) => Parse(codec, ref b, out m));
        ExpectSame(split, whole, "server lines");

        static bool Parse(FramedCodec codec, ref ReadOnlySequence<byte> buffer, out string message)
        {
            bool parsed = codec.TryParseServerMessage(ref buffer, out ServerMessage m);
            message = parsed ? Describe(m) : string.Empty;
            return parsed;
        }
    }

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

    // The server's connection loop (ConnectionHandler) around a session: detect the dialect without
    // consuming, then hand every read to the session until it asks to close; finally the shutdown and
    // timeout paths. What it writes must be printable protocol text, and the observer must agree.
    private static void ServerConnection(FuzzInput input, FramedCodec framed, TextbookCodec textbook)
    {
        var output = new ArrayBufferWriter<byte>();
        var observer = new CountingObserver();
        var connection = new ConnectionInfo(1, "fuzz");
        IServerSession? session = null;
        var reads = new ReadLoopBuffer();
        bool closing = false;
        foreach (byte[] read in input.Reads)
        {
            ReadOnlySequence<byte> buffer = reads.Append(read);
            if (session is null)
            {
                DetectionResult detected = DialectDetector.Detect(buffer);
                if (detected == DetectionResult.NeedMoreData)
                {
                    continue;
                }

                if (detected == DetectionResult.Unknown)
                {
                    FramedCodec.WriteError(output, ProtocolError.For(ErrorCode.HandshakeRequired));
                    closing = true;
                    break;
                }

                session = detected == DetectionResult.Textbook
                    ? new TextbookServerSession(textbook, connection, observer)
                    : new FramedServerSession(framed, connection, observer);
            }

            long before = buffer.Length;
            SessionStatus status = session.Process(ref buffer, output);
            Expect(buffer.Length <= before, "Process grew the buffer");
            reads.Keep(buffer);
            if (status.IsClosing)
            {
                closing = true;
                break;
            }
        }

        if (session is not null && !closing)
        {
            session.WriteShutdown(output);
            session.WriteFatalError(output, ProtocolError.For(ErrorCode.TimedOut));
        }

        CheckOutput(output.WrittenSpan, session?.Dialect, observer, session);
    }

    private static void CheckOutput(ReadOnlySpan<byte> written, Dialect? dialect, CountingObserver observer, IServerSession? session)
    {
        for (int i = 0; i < written.Length; i++)
        {
            byte b = written[i];
            bool lineFeed = b == (byte)'\n';
            Expect((b >= 0x20 && b <= 0x7E) || lineFeed, $"the server wrote byte 0x{b:X2}");
            Expect(!(lineFeed && dialect == Dialect.Textbook), "a textbook reply contains LF");
        }

        if (session is not null)
        {
            Expect(observer.Squares == session.SquaresServed, $"observer saw {observer.Squares} squares, the session counted {session.SquaresServed}");
        }

        if (dialect == Dialect.Framed)
        {
            Expect(written.IsEmpty || written[^1] == (byte)'\n', "framed output does not end with a whole line");
            int errors = CountLinesStartingWith(written, "ERR "u8);
            Expect(errors == observer.Rejections, $"{errors} ERR lines written, {observer.Rejections} rejections reported");
        }
    }

    private static int CountLinesStartingWith(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix)
    {
        int count = 0;
        while (!text.IsEmpty)
        {
            int end = text.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? text : text[..end];
            if (line.StartsWith(prefix))
            {
                count++;
            }

            text = end < 0 ? [] : text[(end + 1)..];
        }

        return count;
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

    // A Pipelines read loop: each read is appended after what the parser left; the parser is called
    // until it wants more. A too-long line ends the stream (the caller closes).
    private static List<string> Feed(IEnumerable<byte[]> reads, Parser parse)
    {
        var messages = new List<string>();
        var loop = new ReadLoopBuffer();
        foreach (byte[] read in reads)
        {
            ReadOnlySequence<byte> buffer = loop.Append(read);
            long before = buffer.Length;
            while (parse(ref buffer, out string message))
            {
                messages.Add(message);
                if (message.EndsWith(TooLongTag, StringComparison.Ordinal))
                {
                    Expect(buffer.Length == before, "a too-long line was consumed");
                    return messages;
                }

                Expect(buffer.Length < before, $"the parser returned {message} without consuming anything");
                before = buffer.Length;
            }

            loop.Keep(buffer);
        }

        return messages;
    }

    private const string TooLongTag = "#too-long";

    private static string Describe(in ClientMessage m) => m.Kind switch
    {
        ClientMessageKind.Number => "N " + BigIntegerText(m.Number),
        ClientMessageKind.Hello => "H " + (m.OfferedVersions is null ? "-" : string.Join(',', m.OfferedVersions)),
        ClientMessageKind.Goodbye => "B",
        _ => m.Error == ErrorCode.LineTooLong ? "I" + TooLongTag : "I " + (int)m.Error,
    };

    private static string Describe(in ServerMessage m) => m.Kind switch
    {
        ServerMessageKind.Square => "S " + BigIntegerText(m.Square),
        ServerMessageKind.Welcome => $"W {m.Version} {m.Parameters}",
        ServerMessageKind.Error => $"E {(int)m.Error.Code} {m.Error.Text}",
        ServerMessageKind.Goodbye => $"B {m.Count} {m.Text}",
        _ => m.Error.Code == ErrorCode.LineTooLong ? "I" + TooLongTag : $"I {(int)m.Error.Code} {m.Text}",
    };

    private static string BigIntegerText(in ProtocolInteger value) => value.ToBigInteger().ToString(CultureInfo.InvariantCulture);

    private static void ExpectSame(List<string> split, List<string> whole, string what)
    {
        if (!split.SequenceEqual(whole))
        {
            throw new FuzzFinding($"{what} depend on how the stream was cut:\n  cut:   {string.Join(" | ", split)}\n  whole: {string.Join(" | ", whole)}");
        }
    }

    private static void Expect(bool condition, string promise)
    {
        if (!condition)
        {
            throw new FuzzFinding(promise);
        }
    }

    private delegate bool Parser(ref ReadOnlySequence<byte> buffer, out string message);

    /// <summary>Counts what a session reports, to compare with what it wrote.</summary>
    private sealed class CountingObserver : IExchangeObserver
    {
        public long Squares { get; private set; }

        public int Rejections { get; private set; }

        public void ConnectionOpened(ConnectionInfo connection)
        {
        }

        public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version)
        {
        }

        public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count) => Squares++;

        public void RequestRejected(ConnectionInfo connection, ProtocolError error) => Rejections++;

        public void GoodbyeSaid(ConnectionInfo connection, GoodbyeInitiator initiator, long count)
        {
        }

        public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count)
        {
        }
    }
}

/// <summary>The library broke one of its promises for this input (not a crash of its own, but as bad).</summary>
internal sealed class FuzzFinding : Exception
{
    public FuzzFinding(string message)
        : base(message)
    {
    }

    public FuzzFinding()
    {
    }

    public FuzzFinding(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
