using System.Diagnostics;
using IotSquares.Client;
using IotSquares.Client.Exchange;
using IotSquares.Protocol;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Bench.Load;

/// <summary>
/// PiSquareClient's exchange (<see cref="SquaresClient"/>) run inside the tool, as the CLI runs it:
/// the rate is verified squares over its own elapsed time (connect to goodbye); in lockstep the
/// interval between consecutive verified squares (its SquareServed events) is one request's round
/// trip plus the client's own work, and gives the percentiles.
/// </summary>
internal static class OurClient
{
    /// <summary>What one exchange measured.</summary>
    /// <param name="Rate">Squares verified per second of the exchange.</param>
    /// <param name="Elapsed">The exchange's elapsed time.</param>
    /// <param name="Count">Squares verified in the measured exchange.</param>
    /// <param name="Intervals">Per-square intervals in Stopwatch ticks (lockstep: the round trip as the client sees it).</param>
    public sealed record Result(double Rate, TimeSpan Elapsed, long Count, long[] Intervals);

    /// <summary>A short unmeasured exchange, then the measured one; throws unless every square was verified.</summary>
    public static async Task<Result> RunAsync(int port, DialectChoice dialect, int pipeline, long start, long warmup, long count, CancellationToken cancellationToken)
    {
        if (warmup > 0)
        {
            await RunOnceAsync(port, dialect, pipeline, start, warmup, null, cancellationToken);
        }

        var timing = new IntervalObserver(checked((int)count));
        ExchangeResult result = await RunOnceAsync(port, dialect, pipeline, start + warmup, count, timing, cancellationToken);
        return new Result(result.Rate, result.Elapsed, result.Verified, timing.Ticks());
    }

    private static async Task<ExchangeResult> RunOnceAsync(
        int port, DialectChoice dialect, int pipeline, long start, long count, IExchangeObserver? observer, CancellationToken cancellationToken)
    {
        var options = new ClientOptions
        {
            Host = "127.0.0.1",
            Port = port,
            Start = start,
            Count = count,
            Dialect = dialect,
            Pipeline = pipeline,
            Retry = RetryPolicy.None,
        };
        ExchangeResult result = await new SquaresClient(options, observer is null ? [] : [observer]).RunAsync(cancellationToken);
        if (!result.Succeeded || result.Verified != count)
        {
            throw new BenchException($"PiSquareClient's exchange failed (exit {result.ExitCode}, {result.Verified}/{count} verified): {result.Message}");
        }

        return result;
    }

    // Records the time between consecutive verified squares, starting from the handshake.
    private sealed class IntervalObserver : IExchangeObserver
    {
        private readonly long[] _ticks;
        private int _count;
        private long _last;

        public IntervalObserver(int capacity)
        {
            _ticks = new long[capacity];
        }

        public void HandshakeCompleted(ConnectionInfo connection, Dialect dialect, int version) => _last = Stopwatch.GetTimestamp();

        public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count)
        {
            long now = Stopwatch.GetTimestamp();
            if (_count < _ticks.Length)
            {
                _ticks[_count++] = now - _last;
            }

            _last = now;
        }

        public long[] Ticks() => _ticks[.._count];
    }
}
