using System.Collections.Concurrent;
using System.Net.Sockets;

namespace IotSquares.Transport.Epoll;

/// <summary>
/// One thread waiting on one epoll instance for the sockets registered with it, and telling each socket
/// what became ready. Edge-triggered: a socket is registered once, for reading and writing, and hears of
/// each new arrival of bytes (or of room to write) once. The code that follows a ready socket (a connection
/// loop's request and reply) runs right here, as .NET's socket engine runs it with inline completions
/// (<see cref="SocketEngine"/>); nothing on a connection loop blocks.
/// </summary>
internal sealed class EpollLoop
{
    private const uint Interest = LinuxCalls.EpollIn | LinuxCalls.EpollOut | LinuxCalls.EpollRdHup | LinuxCalls.EpollEdgeTriggered;

    private static readonly Lazy<EpollLoop[]> Loops = new(StartLoops);
    private static int s_next;
    private static long s_lastId;

    private readonly int _epoll;

    // Events carry an id, never a pointer: an event fetched just before a socket left is then simply not found.
    private readonly ConcurrentDictionary<long, EpollSocket> _sockets = new();

    private EpollLoop(int index)
    {
        _epoll = LinuxCalls.CreateEpoll();
        var thread = new Thread(Run) { IsBackground = true, Name = $"IotSquares epoll {index}" };
        thread.Start();
    }

    /// <summary>The next loop, round robin: one per core, started on first use.</summary>
    public static EpollLoop Next()
    {
        EpollLoop[] loops = Loops.Value;
        return loops[(int)((uint)Interlocked.Increment(ref s_next) % (uint)loops.Length)];
    }

    /// <summary>Starts telling <paramref name="socket"/> of its events; returns the id to leave with.</summary>
    public long Add(EpollSocket socket, SafeSocketHandle handle)
    {
        long id = Interlocked.Increment(ref s_lastId);
        _sockets[id] = socket;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            LinuxCalls.Control(_epoll, LinuxCalls.EpollCtlAdd, (int)handle.DangerousGetHandle(), Interest, id);
        }
        catch
        {
            _sockets.TryRemove(id, out _);
            throw;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        return id;
    }

    /// <summary>Stops the events of a socket that is still open (closing it would drop them too, but only once no other copy of its descriptor exists).</summary>
    public void Remove(long id, SafeSocketHandle handle)
    {
        if (!_sockets.TryRemove(id, out _))
        {
            return;
        }

        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            LinuxCalls.Control(_epoll, LinuxCalls.EpollCtlDel, (int)handle.DangerousGetHandle(), 0, id);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed: the kernel dropped the registration with the descriptor.
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static EpollLoop[] StartLoops() =>
        [.. Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(i => new EpollLoop(i))];

    private void Run()
    {
        byte[] events = new byte[256 * LinuxCalls.EventSize];
        while (true)
        {
            int count = LinuxCalls.Wait(_epoll, events);
            for (int i = 0; i < count; i++)
            {
                (uint ready, long id) = LinuxCalls.ReadEvent(events, i);
                if (_sockets.TryGetValue(id, out EpollSocket? socket))
                {
                    Dispatch(socket, ready);
                }
            }
        }
    }

    // The code woken here ends its own errors in the task it awaits; should anything still escape, this
    // thread must not die with it (every connection of the loop would hang): that one socket leaves the
    // loop instead, which ends its waits with an error its connection loop reports.
    private static void Dispatch(EpollSocket socket, uint ready)
    {
        try
        {
            socket.OnEvents(ready);
        }
#pragma warning disable CA1031 // See above: one connection fails, not the loop.
        catch (Exception)
#pragma warning restore CA1031
        {
            socket.Remove();
        }
    }
}
