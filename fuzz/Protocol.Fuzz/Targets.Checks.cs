using System.Buffers;
using System.Globalization;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;
using IotSquares.TestKit;

namespace IotSquares.Protocol.Fuzz;

/// <summary>What the targets share: the Pipelines read loop, messages as comparable text, and the promises.</summary>
internal static partial class Targets
{
    private const string TooLongTag = "#too-long";

    private delegate bool Parser(ref ReadOnlySequence<byte> buffer, out string message);

    // The same messages whether the bytes came in the input's reads or in one read.
    private static void SplitAndWholeAgree(FuzzInput input, string what, Parser parse)
    {
        List<string> split = Feed(input.Reads, parse);
        List<string> whole = Feed(input.Stream.Length == 0 ? [] : [input.Stream], parse);
        ExpectSame(split, whole, what);
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
}
