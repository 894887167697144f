using System.Collections.Concurrent;

namespace IotSquares.Server.Health;

/// <summary>
/// Every loop's heartbeat, for the watchdog. When no watchdog is asked for, <see cref="Start"/> gives
/// <see langword="null"/> and the loops skip their beats, so the server pays nothing for it.
/// </summary>
internal sealed class Heartbeats
{
    private readonly ConcurrentDictionary<LoopHeartbeat, byte> _loops = new();

    /// <summary>Creates the registry; <paramref name="enabled"/> is whether anybody checks the beats.</summary>
    /// <param name="enabled">Whether anybody checks the beats.</param>
    /// <param name="time">The clock a loop's busy time is measured on; null for the system's.</param>
    public Heartbeats(bool enabled, TimeProvider? time = null)
    {
        Enabled = enabled;
        Time = time ?? TimeProvider.System;
    }

    /// <summary>Whether loops keep a heartbeat at all.</summary>
    public bool Enabled { get; }

    /// <summary>The clock of every heartbeat here.</summary>
    public TimeProvider Time { get; }

    /// <summary>A heartbeat for a new loop (waiting at first), or <see langword="null"/> when disabled.</summary>
    public LoopHeartbeat? Start(string name)
    {
        if (!Enabled)
        {
            return null;
        }

        var heartbeat = new LoopHeartbeat(this, name);
        _loops.TryAdd(heartbeat, 0);
        return heartbeat;
    }

    /// <summary>The loop that has been busy longest, if any has been busy for more than <paramref name="limit"/>.</summary>
    public (string Name, TimeSpan BusyFor)? FindStuck(TimeSpan limit)
    {
        long now = Time.GetTimestamp();
        (string Name, TimeSpan BusyFor)? worst = null;
        foreach (LoopHeartbeat loop in _loops.Keys)
        {
            TimeSpan busy = loop.BusyFor(now);
            if (busy > limit && (worst is null || busy > worst.Value.BusyFor))
            {
                worst = (loop.Name, busy);
            }
        }

        return worst;
    }

    internal void Remove(LoopHeartbeat heartbeat) => _loops.TryRemove(heartbeat, out _);
}
