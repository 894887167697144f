using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Order;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Benchmarks;

/// <summary>Each step of one request on its own: parse the digits, parse the line, square, write.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByMethod)]
[Orderer(SummaryOrderPolicy.Declared, MethodOrderPolicy.Declared)]
public class CodecBenchmarks
{
    private readonly FramedCodec _codec = new(ProtocolLimits.Default);
    private readonly ArrayBufferWriter<byte> _writer = new(16 * 1024);
    private ReadOnlySequence<byte> _singleSegment;
    private ReadOnlySequence<byte> _multiSegment;

    /// <summary>The value of the request.</summary>
    [ParamsSource(nameof(Cases))]
    public NumberCase Value { get; set; } = null!;

    /// <summary>Every case, small (64-bit) first.</summary>
    public static IEnumerable<NumberCase> Cases => NumberCase.All;

    /// <summary>Builds the buffers once per case.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _singleSegment = new ReadOnlySequence<byte>(Value.Line);
        _multiSegment = NumberCase.Split(Value.Line);
    }

    /// <summary><see cref="IntegerText.TryParse(ReadOnlySpan{byte}, int, out ProtocolInteger)"/> of the digits alone.</summary>
    [Benchmark]
    public ProtocolInteger IntegerTextTryParse()
    {
        ErrorCode error = IntegerText.TryParse(Value.Text, ProtocolLimits.DefaultMaxDigits, out ProtocolInteger value);
        return error == ErrorCode.None ? value : throw new InvalidOperationException(error.ToString());
    }

    /// <summary><see cref="FramedCodec.TryParseClientMessage"/> of one line in one buffer segment.</summary>
    [Benchmark]
    public ClientMessage ParseLineSingleSegment()
    {
        ReadOnlySequence<byte> buffer = _singleSegment;
        return _codec.TryParseClientMessage(ref buffer, out ClientMessage message) && message.Kind == ClientMessageKind.Number
            ? message
            : throw new InvalidOperationException("Not a number.");
    }

    /// <summary><see cref="FramedCodec.TryParseClientMessage"/> of one line split across two segments.</summary>
    [Benchmark]
    public ClientMessage ParseLineMultiSegment()
    {
        ReadOnlySequence<byte> buffer = _multiSegment;
        return _codec.TryParseClientMessage(ref buffer, out ClientMessage message) && message.Kind == ClientMessageKind.Number
            ? message
            : throw new InvalidOperationException("Not a number.");
    }

    /// <summary><see cref="ProtocolInteger.Square"/>.</summary>
    [Benchmark]
    public ProtocolInteger Square() => Value.Value.Square();

    /// <summary><see cref="FramedCodec.WriteNumber"/> of the square into a reused buffer writer.</summary>
    [Benchmark]
    public int WriteSquare()
    {
        _writer.ResetWrittenCount();
        FramedCodec.WriteNumber(_writer, Value.Square);
        return _writer.WrittenCount;
    }
}
