using System.Diagnostics;
using System.Net.Sockets;

namespace IotSquares.Transport;

/// <summary>
/// Polls a socket for a short while before an asynchronous read parks on it. A lockstep peer answers
/// within tens of microseconds, and a pipelining one sends its next batch as soon as it has read the
/// last; catching their bytes by polling skips the event loop's wake-up and the
/// thread hop that follows, which are most of a loopback round trip. The spin is bounded in time and
/// in how many connections may spin at once, so an idle connection costs nothing and a busy server
/// never burns more than the cores it was given.
/// </summary>
public sealed class SocketSpinning
{
    // After repeated misses, spin again only every 256th wait, to notice a peer that sped up.
    private const int MaxPenalty = 256;

    private readonly long _budgetTicks;
    private readonly int _maxSpinners;
    private int _spinners;

    /// <summary>Creates the policy.</summary>
    /// <param name="budget">How long one wait may spin; zero turns spinning off.</param>
    /// <param name="maxSpinners">How many waits may spin at the same time.</param>
    public SocketSpinning(TimeSpan budget, int maxSpinners)
    {
        _budgetTicks = (long)(budget.TotalSeconds * Stopwatch.Frequency);
        _maxSpinners = maxSpinners;
    }

    /// <summary>A policy that never spins.</summary>
    public static SocketSpinning Off { get; } = new(TimeSpan.Zero, 0);

    /// <summary>True when this policy spins at all.</summary>
    public bool Enabled => _budgetTicks > 0 && _maxSpinners > 0;

    /// <summary>
    /// Spins until <paramref name="socket"/> has bytes to read, the budget is spent, or another
    /// connection holds the last spinning slot. Returns true when bytes are waiting.
    /// <paramref name="history"/> makes it adaptive: a peer that did not answer within the budget
    /// (a paced or idle client) is not spun for again for a doubling number of waits, so only a
    /// peer that really works in lockstep gets the CPU.
    /// </summary>
    public bool WaitReadable(Socket socket, ref SpinHistory history)
    {
        if (!Enabled)
        {
            return false;
        }

        if (history.Skip > 0)
        {
            history.Skip--;
            return false;
        }

        bool readable = Spin(socket);
        if (readable)
        {
            history.Penalty = 0;
        }
        else
        {
            history.Penalty = Math.Min(Math.Max(1, history.Penalty * 2), MaxPenalty);
            history.Skip = history.Penalty;
        }

        return readable;
    }

    private bool Spin(Socket socket)
    {

        if (Interlocked.Increment(ref _spinners) > _maxSpinners)
        {
            Interlocked.Decrement(ref _spinners);
            return false;
        }

        try
        {
            long deadline = Stopwatch.GetTimestamp() + _budgetTicks;
            do
            {
                if (socket.Available > 0)
                {
                    return true;
                }

                Thread.SpinWait(8);
            }
            while (Stopwatch.GetTimestamp() < deadline);
            return false;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false; // The read that follows reports the broken connection.
        }
        finally
        {
            Interlocked.Decrement(ref _spinners);
        }
    }
}
