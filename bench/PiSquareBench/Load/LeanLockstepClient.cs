using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using IotSquares.Protocol;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Bench.Load;

/// <summary>
/// The leanest lockstep client .NET and our Protocol library make: a blocking Socket, FramedCodec to
/// write each request and parse each reply, every square verified, each round trip timed with
/// Stopwatch. It isolates what the runtime and the codec cost on the client side, without
/// PiSquareClient's pipelines, tasks and retry machinery.
/// </summary>
internal static class LeanLockstepClient
{
    /// <summary>
    /// Greets, sends <paramref name="warmup"/> then <paramref name="count"/> requests from <paramref name="start"/>,
    /// says goodbye; returns each measured round trip in Stopwatch ticks and the measured part's seconds.
    /// </summary>
    public static (long[] Ticks, double Seconds) Run(int port, long start, long warmup, int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            ReceiveTimeout = 10_000,
            SendTimeout = 10_000,
        };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        var codec = new FramedCodec(ProtocolLimits.Default);
        var writer = new ArrayBufferWriter<byte>(64);
        var reader = new LineReader(socket, codec);

        FramedCodec.WriteHello(writer, [1]);
        socket.Send(writer.WrittenSpan);
        ServerMessage welcome = reader.Next();
        if (welcome.Kind != ServerMessageKind.Welcome)
        {
            throw new BenchException($"the server answered HELLO with {welcome.Kind}");
        }

        var ticks = new long[count];
        long total = warmup + count;
        long measuredFrom = 0;
        for (long i = 0; i < total; i++)
        {
            if (i == warmup)
            {
                measuredFrom = Stopwatch.GetTimestamp();
            }

            var value = ProtocolInteger.FromInt64(start + i);
            writer.ResetWrittenCount();
            FramedCodec.WriteNumber(writer, value);
            long t0 = Stopwatch.GetTimestamp();
            socket.Send(writer.WrittenSpan);
            ServerMessage reply = reader.Next();
            long t1 = Stopwatch.GetTimestamp();
            if (reply.Kind != ServerMessageKind.Square || reply.Square != value.Square())
            {
                throw new BenchException($"wrong reply to {value}: {reply.Kind} {reply.Square}");
            }

            if (i >= warmup)
            {
                ticks[i - warmup] = t1 - t0;
            }

            if ((i & 1023) == 0 && deadline.Elapsed > timeout)
            {
                throw new BenchException("the lean client ran out of time");
            }
        }

        double seconds = Stopwatch.GetElapsedTime(measuredFrom).TotalSeconds;
        writer.ResetWrittenCount();
        FramedCodec.WriteClientGoodbye(writer);
        socket.Send(writer.WrittenSpan);
        ServerMessage goodbye = reader.Next();
        if (goodbye.Kind != ServerMessageKind.Goodbye || goodbye.Count != total)
        {
            throw new BenchException($"the server's goodbye counted {goodbye.Count} squares, the client verified {total}");
        }

        return (ticks, seconds);
    }

    // Buffers what the socket delivers and hands out one parsed server line at a time.
    private sealed class LineReader
    {
        private readonly Socket _socket;
        private readonly FramedCodec _codec;
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public LineReader(Socket socket, FramedCodec codec)
        {
            _socket = socket;
            _codec = codec;
        }

        public ServerMessage Next()
        {
            while (true)
            {
                var buffer = new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
                long before = buffer.Length;
                if (_codec.TryParseServerMessage(ref buffer, out ServerMessage message))
                {
                    _start += (int)(before - buffer.Length);
                    return message;
                }

                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }

                int read = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
                if (read == 0)
                {
                    throw new BenchException("the server closed the connection");
                }

                _end += read;
            }
        }
    }
}
