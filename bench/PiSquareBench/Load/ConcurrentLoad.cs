using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IotSquares.Bench.Load;

/// <summary>
/// Many framed connections against one server, driven by async sockets in this process: all connect
/// and greet first, then each runs lockstep (one request in flight) until the window closes, either
/// flat out (closed loop) or paced at one request per interval. Every square is verified; each round
/// trip is timed from send to the end of its reply line.
/// </summary>
internal static class ConcurrentLoad
{
    private const int ConnectParallelism = 64;
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>What a run measured.</summary>
    /// <param name="Connections">Connections asked for.</param>
    /// <param name="Greeted">Connections that connected and got WELCOME.</param>
    /// <param name="Served">Connections that got at least one square and no error.</param>
    /// <param name="Squares">Squares verified in the window.</param>
    /// <param name="Seconds">The window, from the start signal to the last connection's end.</param>
    /// <param name="SetupSeconds">Time to connect and greet every connection.</param>
    /// <param name="Latency">Round trips of every connection together.</param>
    /// <param name="Errors">Failures by kind, with how many connections had each.</param>
    public sealed record Result(
        int Connections, int Greeted, int Served, long Squares, double Seconds, double SetupSeconds, Latency Latency, IReadOnlyDictionary<string, int> Errors)
    {
        /// <summary>Squares per second across all connections.</summary>
        public double Rate => Seconds > 0 ? Squares / Seconds : 0;

        /// <summary>True when every connection was greeted and served without an error.</summary>
        public bool AllServed => Served == Connections && Errors.Count == 0;
    }

    /// <summary>Runs <paramref name="connections"/> connections for <paramref name="duration"/>; <paramref name="interval"/> paces each (null: flat out).</summary>
    public static async Task<Result> RunAsync(int port, int connections, TimeSpan duration, TimeSpan? interval, CancellationToken cancellationToken)
    {
        var setupClock = Stopwatch.StartNew();
        Connection[] all = await OpenAsync(port, connections, cancellationToken);
        double setupSeconds = setupClock.Elapsed.TotalSeconds;
        try
        {
            var window = new RunWindow();
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            run.CancelAfter(duration + StallTimeout);
            long intervalTicks = interval is TimeSpan i ? (long)(i.TotalSeconds * Stopwatch.Frequency) : 0;
            Task[] loops = [.. all.Where(c => c.Error is null).Select(c => Task.Run(() => c.LoopAsync(go.Task, window, intervalTicks, run.Token), CancellationToken.None))];

            window.Start = Stopwatch.GetTimestamp();
            window.End = window.Start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            go.SetResult();
            await Task.WhenAll(loops);
            double seconds = Stopwatch.GetElapsedTime(window.Start).TotalSeconds;

            long squares = all.Sum(c => c.Squares);
            long[] ticks = new long[all.Sum(c => c.Ticks.Count)];
            int at = 0;
            foreach (Connection c in all)
            {
                c.Ticks.CopyTo(ticks, at);
                at += c.Ticks.Count;
            }

            Dictionary<string, int> errors = all.Where(c => c.Error is not null).GroupBy(c => c.Error!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            return new Result(
                connections,
                all.Count(c => c.Greeted),
                all.Count(c => c.Error is null && c.Squares > 0),
                squares,
                seconds,
                setupSeconds,
                Latency.FromTicks(ticks, ticks.Length),
                errors);
        }
        finally
        {
            foreach (Connection c in all)
            {
                c.Dispose();
            }
        }
    }

    /// <summary>Opens and greets <paramref name="connections"/> connections that then stay silent; failures are kept on each connection.</summary>
    public static async Task<Connection[]> OpenAsync(int port, int connections, CancellationToken cancellationToken)
    {
        var all = new Connection[connections];
        for (int i = 0; i < connections; i++)
        {
            all[i] = new Connection(i);
        }

        using var setup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        setup.CancelAfter(SetupTimeout);
        var options = new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = CancellationToken.None };
        await Parallel.ForEachAsync(all, options, async (connection, _) => await connection.OpenAsync(port, setup.Token));
        cancellationToken.ThrowIfCancellationRequested();
        return all;
    }

    internal sealed class RunWindow
    {
        public long Start { get; set; }

        public long End { get; set; }
    }

    /// <summary>One framed connection of the load.</summary>
    internal sealed class Connection : IDisposable
    {
        private static readonly byte[] Hello = Encoding.ASCII.GetBytes("HELLO squares/1\n");

        private readonly int _id;
        private readonly byte[] _send = new byte[32];
        private readonly byte[] _receive = new byte[1024];
        private Socket? _socket;
        private int _start;
        private int _end;

        public Connection(int id)
        {
            _id = id;
        }

        /// <summary>Connected and welcomed.</summary>
        public bool Greeted { get; private set; }

        /// <summary>What went wrong, if anything (one kind per connection, the first).</summary>
        public string? Error { get; private set; }

        /// <summary>Squares verified.</summary>
        public long Squares { get; private set; }

        /// <summary>Round trips in Stopwatch ticks.</summary>
        public List<long> Ticks { get; } = new(256);

        public async Task OpenAsync(int port, CancellationToken cancellationToken)
        {
            try
            {
                _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await _socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                await _socket.SendAsync(Hello, SocketFlags.None, cancellationToken);
                ReadOnlyMemory<byte> line = await ReadLineAsync(cancellationToken);
                if (!line.Span.StartsWith("WELCOME "u8))
                {
                    Error = "greeting answered '" + Printable(line.Span) + "'";
                    return;
                }

                Greeted = true;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException or BenchException)
            {
                Error = "connect/greet: " + Describe(ex);
            }
        }

        public async Task LoopAsync(Task go, RunWindow window, long intervalTicks, CancellationToken cancellationToken)
        {
            await go;
            long value = (_id + 1) * 1_000_000L;
            long next = window.Start + (intervalTicks > 0 ? (long)(Random.Shared.NextDouble() * intervalTicks) : 0);
            try
            {
                while (true)
                {
                    long now = Stopwatch.GetTimestamp();
                    if (now >= window.End)
                    {
                        return;
                    }

                    if (intervalTicks > 0)
                    {
                        if (next > now)
                        {
                            await Task.Delay(TimeSpan.FromSeconds((double)(next - now) / Stopwatch.Frequency), cancellationToken);
                            if (Stopwatch.GetTimestamp() >= window.End)
                            {
                                return;
                            }
                        }

                        next = Math.Max(next + intervalTicks, Stopwatch.GetTimestamp());
                    }

                    if (!value.TryFormat(_send, out int length, provider: System.Globalization.CultureInfo.InvariantCulture))
                    {
                        throw new BenchException("cannot format a request");
                    }

                    _send[length++] = (byte)'\n';
                    long t0 = Stopwatch.GetTimestamp();
                    await _socket!.SendAsync(_send.AsMemory(0, length), SocketFlags.None, cancellationToken);
                    ReadOnlyMemory<byte> line = await ReadLineAsync(cancellationToken);
                    long t1 = Stopwatch.GetTimestamp();
                    if (!Utf8Parser.TryParse(line.Span, out ulong square, out int consumed) || consumed != line.Length || square != (ulong)value * (ulong)value)
                    {
                        Error = line.Span.StartsWith("ERR "u8) ? Printable(line.Span) : "wrong square";
                        return;
                    }

                    Ticks.Add(t1 - t0);
                    Squares++;
                    value++;
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException or BenchException)
            {
                Error = Describe(ex);
            }
        }

        public void Dispose()
        {
            try
            {
                _socket?.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }

            _socket?.Dispose();
        }

        private static string Describe(Exception ex) => ex switch
        {
            SocketException s => "socket error " + s.SocketErrorCode,
            OperationCanceledException => "timed out",
            _ => ex.Message,
        };

        private static string Printable(ReadOnlySpan<byte> bytes) =>
            Protocol.Wire.WireWriter.ReadPrintable(bytes[..Math.Min(bytes.Length, 80)]);

        private async Task<ReadOnlyMemory<byte>> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                int newline = _receive.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    var line = new ReadOnlyMemory<byte>(_receive, _start, newline);
                    _start += newline + 1;
                    if (_start == _end)
                    {
                        _start = _end = 0;
                    }

                    return line.Span.EndsWith("\r"u8) ? line[..^1] : line;
                }

                if (_start > 0)
                {
                    Buffer.BlockCopy(_receive, _start, _receive, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }

                if (_end == _receive.Length)
                {
                    throw new BenchException("a server line is longer than 1 KiB");
                }

                // No timer per read (it would load the generator): the run's token bounds every wait.
                int read = await _socket!.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    throw new BenchException("the server closed the connection");
                }

                _end += read;
            }
        }
    }
}
