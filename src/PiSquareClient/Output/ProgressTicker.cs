using IotSquares.CommandLine;

namespace IotSquares.Client.Output;

/// <summary>
/// Progress on a time basis, whatever the rate: on a terminal one live line redrawn a few times a
/// second, otherwise (a pipe, a log file) one line every few seconds. The exchange only stores a
/// count per batch of squares (<see cref="Report"/>); a timer does the printing, so a fast run pays
/// nothing more than that store.
/// </summary>
internal sealed class ProgressTicker : IDisposable
{
    private readonly TextWriter _out;
    private readonly object _gate;
    private readonly long _total;
    private readonly bool _live;
    private readonly TimeProvider _time;
    private readonly long _started;
    private ITimer? _timer;
    private long _count;
    private long _printed; // Nothing is printed before the first square.
    private int _lineLength;

    /// <param name="output">Where the progress goes.</param>
    /// <param name="gate">The lock every writer to <paramref name="output"/> holds.</param>
    /// <param name="total">The squares asked for.</param>
    /// <param name="live">True on a terminal: one line redrawn in place.</param>
    /// <param name="interval">How often to print.</param>
    /// <param name="time">The clock.</param>
    public ProgressTicker(TextWriter output, object gate, long total, bool live, TimeSpan interval, TimeProvider time)
    {
        _out = output;
        _gate = gate;
        _total = total;
        _live = live;
        _time = time;
        _started = time.GetTimestamp();
        _timer = time.CreateTimer(_ => Tick(), null, interval, interval);
    }

    /// <summary>Stores the count verified so far; printed at the next tick.</summary>
    public void Report(long count) => Volatile.Write(ref _count, count);

    /// <summary>Removes the live line before another line is printed; call with the gate held.</summary>
    public void ClearLine()
    {
        if (_live && _lineLength > 0)
        {
            _out.Write("\r" + new string(' ', _lineLength) + "\r");
            _lineLength = 0;
        }
    }

    /// <summary>Stops the timer and removes the live line.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            ClearLine();
        }
    }

    private void Tick()
    {
        lock (_gate)
        {
            long count = Volatile.Read(ref _count);
            if (_timer is null || count == _printed)
            {
                return;
            }

            _printed = count;
            string line = Describe(count, _time.GetElapsedTime(_started));
            if (_live)
            {
                ClearLine();
                _out.Write(line);
                _lineLength = line.Length;
            }
            else
            {
                _out.WriteLine(line);
            }

            _out.Flush();
        }
    }

    private string Describe(long count, TimeSpan elapsed)
    {
        double rate = elapsed > TimeSpan.Zero ? count / elapsed.TotalSeconds : 0;
        string percent = _total > 0 ? $" ({100.0 * count / _total:0}%)" : string.Empty;
        string left = rate > 0 && count < _total ? $", about {DurationText.Format(TimeSpan.FromSeconds(Math.Min((_total - count) / rate, 86400 * 365.0)))} left" : string.Empty;
        return $"  {CountText.Format(count)} of {CountText.Format(_total)} squares verified{percent}, {CountText.Format(rate)} squares/s{left}";
    }
}
