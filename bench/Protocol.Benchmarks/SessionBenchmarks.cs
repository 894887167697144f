using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Order;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Sessions;
using IotSquares.Protocol.Textbook;

namespace IotSquares.Protocol.Benchmarks;

/// <summary>
/// The whole server path per request, as the connection loop runs it: a session handles what a read
/// returned and writes the replies to a reused buffer writer. The observer is the server's fan-out with
/// one observer that ignores everything, so the event calls are paid as on the server at Information level.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByMethod)]
[Orderer(SummaryOrderPolicy.Declared, MethodOrderPolicy.Declared)]
public class SessionBenchmarks
{
    /// <summary>Requests in one framed read.</summary>
    public const int Pipelined = 64;

    private readonly ArrayBufferWriter<byte> _writer = new(1024 * 1024);
    private FramedServerSession _framed = null!;
    private TextbookServerSession _textbook = null!;
    private ReadOnlySequence<byte> _framedBatch;
    private ReadOnlySequence<byte> _textbookRequest;

    /// <summary>The value of every request.</summary>
    [ParamsSource(nameof(Cases))]
    public NumberCase Value { get; set; } = null!;

    /// <summary>Every case, small (64-bit) first.</summary>
    public static IEnumerable<NumberCase> Cases => NumberCase.All;

    /// <summary>Opens one session of each dialect and completes its handshake.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var observer = new ExchangeObservers([new IgnoringObserver()], static (_, _) => { });
        var connection = new ConnectionInfo(1, "127.0.0.1:50008");

        _framed = new FramedServerSession(new FramedCodec(ProtocolLimits.Default), connection, observer);
        var hello = new ReadOnlySequence<byte>("HELLO squares/1\n"u8.ToArray());
        _framed.Process(ref hello, _writer);

        _textbook = new TextbookServerSession(new TextbookCodec(ProtocolLimits.Default), connection, observer);
        var greeting = new ReadOnlySequence<byte>("Hi there!"u8.ToArray());
        _textbook.Process(ref greeting, _writer);

        byte[] batch = new byte[Value.Line.Length * Pipelined];
        for (int i = 0; i < Pipelined; i++)
        {
            Value.Line.CopyTo(batch, i * Value.Line.Length);
        }

        _framedBatch = new ReadOnlySequence<byte>(batch);
        _textbookRequest = new ReadOnlySequence<byte>(Value.Text);
        if (!_framed.IsHandshakeComplete || !_textbook.IsHandshakeComplete)
        {
            throw new InvalidOperationException("Handshake failed.");
        }
    }

    /// <summary><see cref="FramedServerSession.Process"/> of 64 pipelined requests; reported per request.</summary>
    [Benchmark(OperationsPerInvoke = Pipelined)]
    public long FramedSession()
    {
        _writer.ResetWrittenCount();
        ReadOnlySequence<byte> buffer = _framedBatch;
        SessionStatus status = _framed.Process(ref buffer, _writer);
        _framed.ReportServed(); // Once per read, as the connection loop does after its flush.
        return status.IsClosing || !buffer.IsEmpty ? throw new InvalidOperationException("Not served.") : _writer.WrittenCount;
    }

    /// <summary><see cref="TextbookServerSession.Process"/> of one request (the dialect has one in flight).</summary>
    [Benchmark]
    public long TextbookSession()
    {
        _writer.ResetWrittenCount();
        ReadOnlySequence<byte> buffer = _textbookRequest;
        SessionStatus status = _textbook.Process(ref buffer, _writer);
        _textbook.ReportServed();
        return status.IsClosing || !buffer.IsEmpty ? throw new InvalidOperationException("Not served.") : _writer.WrittenCount;
    }

    private sealed class IgnoringObserver : IExchangeObserver;
}
