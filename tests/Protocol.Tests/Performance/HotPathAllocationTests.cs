using System.Buffers;
using System.Text;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Sessions;
using IotSquares.Protocol.Tests.Support;
using IotSquares.Protocol.Textbook;
using Microsoft.Extensions.Time.Testing;

namespace IotSquares.Protocol.Tests.Performance;

/// <summary>
/// PROTOCOL.md §6 promises that a request whose value fits in 64 bits allocates nothing on the heap,
/// from the bytes a read returned to the square in the output buffer. Each step, and the whole session,
/// is run many times after a warm-up and must leave this thread's allocation counter unchanged.
/// (bench/Protocol.Benchmarks measures the same with BenchmarkDotNet's MemoryDiagnoser.)
/// </summary>
public class HotPathAllocationTests
{
    private const int Rounds = 200;
    private const int Pipelined = 64;

    private static readonly FramedCodec Framed = new(ProtocolLimits.Default);

    public static TheoryData<string> SixtyFourBitValues =>
        ["0", "7", "-7", "+42", "123456789", "9223372036854775807", "-9223372036854775808", "0000000000000000001"];

    [Theory]
    [MemberData(nameof(SixtyFourBitValues))]
    public void Parsing_the_digits_allocates_nothing(string text)
    {
        byte[] digits = Encoding.ASCII.GetBytes(text);
        ReadOnlySequence<byte> split = Sequences.Create(digits[..1], digits[1..]);

        AssertNoAllocation(() =>
        {
            Check(IntegerText.TryParse(digits, ProtocolLimits.DefaultMaxDigits, out ProtocolInteger value) == ErrorCode.None);
            Check(value.TryGetInt64(out _));
            Check(IntegerText.TryParse(split, ProtocolLimits.DefaultMaxDigits, out _) == ErrorCode.None);
        });
    }

    [Theory]
    [MemberData(nameof(SixtyFourBitValues))]
    public void Parsing_a_request_line_allocates_nothing_in_one_segment_or_several(string text)
    {
        byte[] line = Encoding.ASCII.GetBytes(text + "\r\n");
        ReadOnlySequence<byte> single = new(line);
        ReadOnlySequence<byte> split = Sequences.Create(line[..1], line[1..]);
        ReadOnlySequence<byte> bytewise = Sequences.Create(Sequences.OneBytePieces(line));

        AssertNoAllocation(() =>
        {
            ReadOnlySpan<ReadOnlySequence<byte>> deliveries = [single, split, bytewise];
            foreach (ReadOnlySequence<byte> delivery in deliveries)
            {
                ReadOnlySequence<byte> buffer = delivery;
                Check(Framed.TryParseClientMessage(ref buffer, out ClientMessage message));
                Check(message.Kind == ClientMessageKind.Number && buffer.IsEmpty);
            }
        });
    }

    [Theory]
    [MemberData(nameof(SixtyFourBitValues))]
    public void Squaring_and_writing_the_square_allocate_nothing(string text)
    {
        Assert.Equal(ErrorCode.None, IntegerText.TryParse(Encoding.ASCII.GetBytes(text), 20, out ProtocolInteger value));
        var writer = new ArrayBufferWriter<byte>(256);

        AssertNoAllocation(() =>
        {
            writer.ResetWrittenCount();
            ProtocolInteger square = value.Square();
            FramedCodec.WriteNumber(writer, square);
            TextbookCodec.WriteNumber(writer, square);
            Check(writer.WrittenCount > 2);
        });
    }

    [Theory]
    [MemberData(nameof(SixtyFourBitValues))]
    public void A_framed_session_serves_pipelined_requests_without_allocating(string text)
    {
        var observer = new ExchangeObservers([new IgnoringObserver(), new RecordingCount()], static (_, _) => { });
        var session = new FramedServerSession(Framed, new ConnectionInfo(1, "127.0.0.1:1"), observer);
        var writer = new ArrayBufferWriter<byte>(64 * 1024);
        var hello = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("HELLO squares/1\n"));
        Assert.False(session.Process(ref hello, writer).IsClosing);

        byte[] batch = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(text + "\n", Pipelined)));
        ReadOnlySequence<byte> contiguous = new(batch);
        ReadOnlySequence<byte> chunked = Sequences.Create(batch.Chunk(7).Select(static c => (ReadOnlyMemory<byte>)c));

        AssertNoAllocation(() =>
        {
            ReadOnlySpan<ReadOnlySequence<byte>> deliveries = [contiguous, chunked];
            foreach (ReadOnlySequence<byte> delivery in deliveries)
            {
                writer.ResetWrittenCount();
                ReadOnlySequence<byte> buffer = delivery;
                Check(!session.Process(ref buffer, writer).IsClosing && buffer.IsEmpty);
            }
        });
    }

    [Theory]
    [MemberData(nameof(SixtyFourBitValues))]
    public void A_textbook_session_serves_requests_without_allocating(string text)
    {
        var observer = new ExchangeObservers([new IgnoringObserver()], static (_, _) => { });
        var session = new TextbookServerSession(new TextbookCodec(ProtocolLimits.Default), new ConnectionInfo(1, "127.0.0.1:1"), observer);
        var writer = new ArrayBufferWriter<byte>(1024);
        var greeting = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("Hi there!"));
        Assert.False(session.Process(ref greeting, writer).IsClosing);

        byte[] request = Encoding.ASCII.GetBytes(" " + text + "\n");
        ReadOnlySequence<byte> contiguous = new(request);
        ReadOnlySequence<byte> split = Sequences.Create(request[..2], request[2..]);

        AssertNoAllocation(() =>
        {
            ReadOnlySpan<ReadOnlySequence<byte>> deliveries = [contiguous, split];
            foreach (ReadOnlySequence<byte> delivery in deliveries)
            {
                writer.ResetWrittenCount();
                ReadOnlySequence<byte> buffer = delivery;
                Check(!session.Process(ref buffer, writer).IsClosing && buffer.IsEmpty);
            }
        });
    }

    [Fact]
    public async Task The_queue_adapter_takes_a_square_without_allocating()
    {
        // The fake clock never moves: after its first round the loop waits out its pacing for ever, as it
        // does under load, and each square only overwrites the connection's slot.
        await using var queued = new QueuedExchangeObserver(new IgnoringObserver(), new FakeTimeProvider());
        var connection = new ConnectionInfo(1, "127.0.0.1:1");
        queued.ConnectionOpened(connection);
        var value = new ProtocolInteger(123_456_789);
        ProtocolInteger square = value.Square();
        long count = 0;

        AssertNoAllocation(() => queued.SquareServed(connection, value, square, ++count));
    }

    // Warm up (JIT, tiering, static lambdas, lazily created statics), then count this thread's allocations.
    // The action itself is a closure created once, before the count starts.
    private static void AssertNoAllocation(Action action)
    {
        for (int i = 0; i < 50; i++)
        {
            action();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Rounds; i++)
        {
            action();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{allocated} bytes allocated in {Rounds} rounds ({(double)allocated / Rounds:0.#} per round).");
    }

    // Assert.* may box or allocate its messages; inside the measured code only this is used.
    private static void Check(bool condition)
    {
        if (!condition)
        {
            throw new InvalidOperationException("The hot path did not do its work.");
        }
    }

    private sealed class IgnoringObserver : IExchangeObserver;

    private sealed class RecordingCount : IExchangeObserver
    {
        public long Last { get; private set; }

        public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count) => Last = count;
    }
}
