using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace IotSquares.Transport.Epoll;

/// <summary>
/// The output pipe of an <see cref="EpollTransport"/>: replies gather in one array and a flush sends them
/// with one <c>send</c>. Only when the socket's send buffer is full (a client that does not read) does a
/// flush park until its loop reports room. The array goes back to the pool after each flush.
/// </summary>
internal sealed class EpollPipeWriter : PipeWriter, IValueTaskSource<FlushResult>
{
    private readonly EpollSocket _socket;
    private readonly int _bufferSize;
    private readonly Action _onWritable;
    private ManualResetValueTaskSourceCore<FlushResult> _pending;
    private CancellationTokenRegistration _cancellation;
    private CancellationToken _token;
    private byte[]? _buffer;
    private int _sent;
    private int _written;
    private bool _cancelRequested;
    private bool _completed;

    public EpollPipeWriter(EpollSocket socket, int bufferSize)
    {
        _socket = socket;
        _bufferSize = bufferSize;
        _onWritable = OnWritable;
        _pending.RunContinuationsAsynchronously = false;
    }

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _written - _sent;

    public override void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes > (_buffer?.Length ?? 0) - _written)
        {
            throw new InvalidOperationException("Advanced past the memory the writer gave.");
        }

        _written += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        int free = Reserve(sizeHint);
        return _buffer.AsMemory(free);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        int free = Reserve(sizeHint);
        return _buffer.AsSpan(free);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_cancelRequested)
        {
            _cancelRequested = false;
            return ValueTask.FromResult(new FlushResult(isCanceled: true, isCompleted: false));
        }

        if (TrySendAll())
        {
            return ValueTask.FromResult(default(FlushResult));
        }

        cancellationToken.ThrowIfCancellationRequested();
        _pending.Reset();
        _token = cancellationToken;
        _cancellation = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static w => ((EpollPipeWriter)w!).OnCanceled(), this)
            : default;
        Park();
        return new ValueTask<FlushResult>(this, _pending.Version);
    }

    public override void CancelPendingFlush()
    {
        Volatile.Write(ref _cancelRequested, true);
        if (_socket.TryUnparkWriter())
        {
            _cancelRequested = false;
            Finish(null, canceled: true);
        }
    }

    /// <summary>Sends what is left (waiting for room if need be, until the socket goes), then lets go of the array.</summary>
    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        try
        {
            if (exception is null && UnflushedBytes > 0)
            {
                await FlushAsync();
            }
        }
        finally
        {
            Complete(exception);
        }
    }

    /// <summary>Lets go of the array; what was not sent is dropped (<see cref="CompleteAsync"/> sends it).</summary>
    public override void Complete(Exception? exception = null)
    {
        _completed = true;
        Release();
    }

    FlushResult IValueTaskSource<FlushResult>.GetResult(short token) => _pending.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<FlushResult>.GetStatus(short token) => _pending.GetStatus(token);

    void IValueTaskSource<FlushResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _pending.OnCompleted(continuation, state, token, flags);

    // Makes room for sizeHint bytes after those written; returns where the free space starts.
    private int Reserve(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        int wanted = Math.Max(sizeHint, 1);
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_bufferSize, wanted));
        }
        else if (_buffer.Length - _written < wanted)
        {
            // A burst of replies larger than the array: move to one twice the size (or more), keeping what is unsent.
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written - _sent + wanted));
            Buffer.BlockCopy(_buffer, _sent, larger, 0, _written - _sent);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
            _written -= _sent;
            _sent = 0;
        }

        return _written;
    }

    // Sends until everything is out (true) or the socket has no room (false). Throws what the socket reports.
    private bool TrySendAll()
    {
        while (_written > _sent)
        {
            _socket.ClearMayWrite();
            if (LinuxCalls.Send(_socket.Handle, _buffer.AsSpan(_sent, _written - _sent), out int count) == LinuxCalls.Outcome.WouldBlock)
            {
                return false;
            }

            _sent += count;
        }

        Release();
        return true;
    }

    private void Release()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _sent = _written = 0;
    }

    private void Park()
    {
        while (!_socket.TryParkWriter(_onWritable))
        {
            if (TryEnd())
            {
                return;
            }
        }

        if (Volatile.Read(ref _cancelRequested) && _socket.TryUnparkWriter())
        {
            _cancelRequested = false;
            Finish(null, canceled: true);
        }
        else if (_token.IsCancellationRequested)
        {
            OnCanceled();
        }
    }

    private void OnWritable()
    {
        if (!TryEnd())
        {
            Park();
        }
    }

    private bool TryEnd()
    {
        if (_socket.IsRemoved)
        {
            Finish(new SocketException((int)SocketError.OperationAborted), canceled: false);
            return true;
        }

        try
        {
            if (TrySendAll())
            {
                Finish(null, canceled: false);
                return true;
            }

            return false;
        }
        catch (SocketException ex)
        {
            Finish(ex, canceled: false);
            return true;
        }
    }

    private void OnCanceled()
    {
        if (_socket.TryUnparkWriter())
        {
            Finish(new OperationCanceledException(_token), canceled: false);
        }
    }

    private void Finish(Exception? error, bool canceled)
    {
        if (_pending.GetStatus(_pending.Version) != ValueTaskSourceStatus.Pending)
        {
            return;
        }

        _cancellation.Unregister();
        if (error is null)
        {
            _pending.SetResult(new FlushResult(canceled, isCompleted: false));
        }
        else
        {
            _pending.SetException(error);
        }
    }
}
