using System.Net.Sockets;

namespace IotSquares.Transport.Epoll;

/// <summary>
/// A socket's readiness as its epoll loop reports it, shared by the connection's reader and writer. With
/// edge-triggered events, "nothing to read" is known without asking the kernel: after a receive that got
/// less than it asked for, bytes can only be waiting if an event came since. So a request costs one
/// <c>recv</c> and one <c>send</c>, as in a C epoll server, where .NET's sockets make four calls (a
/// zero-byte receive that finds nothing, the same again after the event, the receive, the send).
/// </summary>
internal sealed class EpollSocket
{
    private readonly Lock _gate = new();
    private readonly EpollLoop _loop;
    private readonly long _id;
    private Action? _onReadable;
    private Action? _onWritable;
    private bool _mayRead = true;
    private bool _mayWrite = true;
    private bool _removed;

    // The peer closed (or the socket failed): stays readable for good. Bytes and the FIN often come in one
    // event, and a receive that takes the bytes leaves the FIN for the next one, with no event to follow.
    private bool _hungUp;

    public EpollSocket(Socket socket)
    {
        Handle = socket.SafeHandle;
        _loop = EpollLoop.Next();
        _id = _loop.Add(this, Handle);
    }

    public SafeSocketHandle Handle { get; }

    /// <summary>True once the socket has left its loop: no event will come any more.</summary>
    public bool IsRemoved
    {
        get
        {
            lock (_gate)
            {
                return _removed;
            }
        }
    }

    /// <summary>True once an event said the peer closed its side (or the socket failed).</summary>
    public bool HasHungUp
    {
        get
        {
            lock (_gate)
            {
                return _hungUp;
            }
        }
    }

    /// <summary>Takes "bytes may be waiting": true unless the last receive emptied the socket and no event came since.</summary>
    public bool TakeMayRead()
    {
        lock (_gate)
        {
            bool may = _mayRead || _hungUp;
            _mayRead = false;
            return may;
        }
    }

    /// <summary>Notes that bytes may be waiting (a receive filled its buffer, or a spin saw them arrive).</summary>
    public void MarkMayRead()
    {
        lock (_gate)
        {
            _mayRead = true;
        }
    }

    /// <summary>
    /// Parks a reader: <paramref name="onReadable"/> runs on the loop's thread at the next event. Returns false,
    /// parking nothing, when an event came since <see cref="TakeMayRead"/> (try again at once).
    /// </summary>
    public bool TryParkReader(Action onReadable)
    {
        lock (_gate)
        {
            if (_mayRead || _hungUp || _removed)
            {
                return false;
            }

            _onReadable = onReadable;
            return true;
        }
    }

    /// <summary>Takes back a parked reader (a cancellation); false when the event already took it.</summary>
    public bool TryUnparkReader() => TryUnpark(ref _onReadable);

    /// <summary>Takes "there may be room to write", the writer's twin of <see cref="TakeMayRead"/>.</summary>
    public void ClearMayWrite()
    {
        lock (_gate)
        {
            _mayWrite = false;
        }
    }

    /// <summary>Parks a writer that found no room until the next event; false when one came since <see cref="ClearMayWrite"/>.</summary>
    public bool TryParkWriter(Action onWritable) => TryPark(ref _mayWrite, ref _onWritable, onWritable);

    /// <summary>Takes back a parked writer; false when the event already took it.</summary>
    public bool TryUnparkWriter() => TryUnpark(ref _onWritable);

    /// <summary>Called by the loop with what became ready; wakes the parked reader and writer.</summary>
    public void OnEvents(uint events)
    {
        Action? read = null, write = null;
        lock (_gate)
        {
            // A hang-up or an error wakes both: the next call reports it.
            _hungUp |= (events & (LinuxCalls.EpollRdHup | LinuxCalls.EpollHup | LinuxCalls.EpollErr)) != 0;
            if ((events & (LinuxCalls.EpollIn | LinuxCalls.EpollRdHup | LinuxCalls.EpollHup | LinuxCalls.EpollErr)) != 0)
            {
                _mayRead = true;
                (read, _onReadable) = (_onReadable, null);
            }

            if ((events & (LinuxCalls.EpollOut | LinuxCalls.EpollHup | LinuxCalls.EpollErr)) != 0)
            {
                _mayWrite = true;
                (write, _onWritable) = (_onWritable, null);
            }
        }

        write?.Invoke();
        read?.Invoke();
    }

    /// <summary>Leaves the loop (before the socket is closed) and wakes whoever is parked, so they see the socket gone.</summary>
    public void Remove()
    {
        Action? read, write;
        lock (_gate)
        {
            if (_removed)
            {
                return;
            }

            _removed = true;
            _mayRead = _mayWrite = true;
            (read, _onReadable) = (_onReadable, null);
            (write, _onWritable) = (_onWritable, null);
        }

        _loop.Remove(_id, Handle);
        write?.Invoke();
        read?.Invoke();
    }

    private bool TryPark(ref bool may, ref Action? slot, Action callback)
    {
        lock (_gate)
        {
            if (may || _removed)
            {
                return false;
            }

            slot = callback;
            return true;
        }
    }

    private bool TryUnpark(ref Action? slot)
    {
        lock (_gate)
        {
            if (slot is null)
            {
                return false;
            }

            slot = null;
            return true;
        }
    }
}
