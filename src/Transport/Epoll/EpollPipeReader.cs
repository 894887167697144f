using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace IotSquares.Transport.Epoll;

/// <summary>
/// The input pipe of an <see cref="EpollTransport"/>: one array that the socket is read into, handed to
/// the loop as one segment. It asks the kernel only when bytes may be waiting (<see cref="EpollSocket"/>);
/// otherwise it parks until its loop reports them. The array is rented when bytes come and returned
/// once the loop has consumed them all, so an idle connection holds none.
/// </summary>
internal sealed class EpollPipeReader : PipeReader, IValueTaskSource<ReadResult>
{
    private readonly EpollSocket _socket;
    private readonly int _bufferSize;
    private readonly Action _onReadable;
    private ManualResetValueTaskSourceCore<ReadResult> _pending;
    private CancellationTokenRegistration _cancellation;
    private CancellationToken _token;
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private bool _examinedAll;
    private bool _peerClosed;
    private bool _cancelRequested;
    private bool _completed;

    public EpollPipeReader(EpollSocket socket, int bufferSize)
    {
        _socket = socket;
        _bufferSize = bufferSize;
        _onReadable = OnReadable;
        _pending.RunContinuationsAsynchronously = false; // The loop goes on right on the epoll thread.
    }

    /// <summary>True when the last receive filled all the room it had: more may be waiting in the socket.</summary>
    public bool LastReadFilled { get; private set; }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (TryRead(out ReadResult ready))
        {
            return ValueTask.FromResult(ready);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (TryReceive() is ReadResult received)
        {
            return ValueTask.FromResult(received);
        }

        _pending.Reset();
        _token = cancellationToken;
        _cancellation = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static r => ((EpollPipeReader)r!).OnCanceled(), this)
            : default;
        Park();
        return new ValueTask<ReadResult>(this, _pending.Version);
    }

    public override bool TryRead(out ReadResult result)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_cancelRequested)
        {
            _cancelRequested = false;
            result = new ReadResult(Buffered(), isCanceled: true, isCompleted: _peerClosed);
            return true;
        }

        if ((_end > _start && !_examinedAll) || _peerClosed)
        {
            result = new ReadResult(Buffered(), isCanceled: false, isCompleted: _peerClosed);
            return true;
        }

        result = default;
        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        int consumedAt = IndexOf(consumed);
        _examinedAll = IndexOf(examined) >= _end;
        _start = consumedAt;
        if (_start == _end && _buffer is not null)
        {
            // Everything handed over was used: give the array back, so a connection between requests holds none.
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
            _start = _end = 0;
        }
    }

    /// <summary>Ends the pending (or the next) read with <see cref="ReadResult.IsCanceled"/>; safe from any thread.</summary>
    public override void CancelPendingRead()
    {
        Volatile.Write(ref _cancelRequested, true);
        if (_socket.TryUnparkReader())
        {
            _cancelRequested = false;
            Finish(new ReadResult(Buffered(), isCanceled: true, isCompleted: _peerClosed));
        }
    }

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    ReadResult IValueTaskSource<ReadResult>.GetResult(short token) => _pending.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _pending.GetStatus(token);

    void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _pending.OnCompleted(continuation, state, token, flags);

    private ReadOnlySequence<byte> Buffered() =>
        _buffer is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_buffer, _start, _end - _start);

    private int IndexOf(SequencePosition position)
    {
        if (_buffer is null)
        {
            return 0; // A position of the empty sequence handed over when nothing was buffered.
        }

        return ReferenceEquals(position.GetObject(), _buffer)
            ? position.GetInteger()
            : throw new InvalidOperationException("The position does not belong to this reader's last read.");
    }

    // Receives once when bytes may be waiting; null when there are none yet. Throws what the socket reports.
    private ReadResult? TryReceive()
    {
        if (!_socket.TakeMayRead())
        {
            return null;
        }

        MakeRoom();
        Span<byte> room = _buffer.AsSpan(_end);
        if (LinuxCalls.Receive(_socket.Handle, room, out int count) == LinuxCalls.Outcome.WouldBlock)
        {
            ReturnIfEmpty();
            return null;
        }

        LastReadFilled = count == room.Length;
        if (LastReadFilled)
        {
            _socket.MarkMayRead();
        }

        _end += count;
        _peerClosed |= count == 0;
        _examinedAll = false;
        ReturnIfEmpty();
        return new ReadResult(Buffered(), isCanceled: false, isCompleted: _peerClosed);
    }

    private void MakeRoom()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
        }
        else if (_end == _buffer.Length)
        {
            // Bytes the loop kept (a line not yet complete) move to the front, or to an array twice the size.
            byte[] target = _start > 0 ? _buffer : ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, _start, target, 0, _end - _start);
            if (!ReferenceEquals(target, _buffer))
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = target;
            }

            _end -= _start;
            _start = 0;
        }
    }

    private void ReturnIfEmpty()
    {
        if (_buffer is not null && _end == _start)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
            _start = _end = 0;
        }
    }

    // Parks until the loop reports bytes; an event that came meanwhile is taken at once instead.
    private void Park()
    {
        while (!_socket.TryParkReader(_onReadable))
        {
            if (TryEnd())
            {
                return;
            }
        }

        // CancelPendingRead sets its flag before it tries to take the parked read: one of the two sees the other.
        if (Volatile.Read(ref _cancelRequested) && _socket.TryUnparkReader())
        {
            _cancelRequested = false;
            Finish(new ReadResult(Buffered(), isCanceled: true, isCompleted: _peerClosed));
        }
        else if (_token.IsCancellationRequested)
        {
            OnCanceled();
        }
    }

    // On the loop's thread: the socket reported bytes (or a hang-up, or it left the loop).
    private void OnReadable()
    {
        if (!TryEnd())
        {
            Park();
        }
    }

    // Ends the pending read when there is something to end it with: bytes, the peer's close, an error.
    private bool TryEnd()
    {
        if (_socket.IsRemoved)
        {
            FinishWithError(new SocketException((int)SocketError.OperationAborted));
            return true;
        }

        try
        {
            if (TryReceive() is ReadResult result)
            {
                Finish(result);
                return true;
            }

            return false;
        }
        catch (SocketException ex)
        {
            FinishWithError(ex);
            return true;
        }
    }

    private void OnCanceled()
    {
        if (_socket.TryUnparkReader())
        {
            FinishWithError(new OperationCanceledException(_token));
        }
    }

    private void Finish(ReadResult result)
    {
        if (_pending.GetStatus(_pending.Version) != ValueTaskSourceStatus.Pending)
        {
            return;
        }

        _cancellation.Unregister();
        _pending.SetResult(result);
    }

    private void FinishWithError(Exception error)
    {
        if (_pending.GetStatus(_pending.Version) != ValueTaskSourceStatus.Pending)
        {
            return;
        }

        _cancellation.Unregister();
        _pending.SetException(error);
    }
}
