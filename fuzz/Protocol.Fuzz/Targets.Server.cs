using System.Buffers;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Sessions;
using IotSquares.Protocol.Textbook;
using IotSquares.TestKit;

namespace IotSquares.Protocol.Fuzz;

/// <summary>The server's side: a session inside the connection loop, and what it writes.</summary>
internal static partial class Targets
{
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
            session.ReportServed(); // As the connection loop does after its flush.
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

        session?.ReportServed(); // As the connection loop does before the close.
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
}
