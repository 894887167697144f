using System.Buffers;
using System.IO.Pipelines;

namespace IotSquares.TestKit;

/// <summary>
/// A pipe reader that knows how far into the stream its user has looked, so that a test playing the
/// peer can wait until one read has been taken before it sends the next.
/// </summary>
internal sealed class WatchedReader : PipeReader
{
    private readonly PipeReader _inner;
    private readonly Lock _gate = new();
    private TaskCompletionSource _seen = NewSignal();
    private ReadOnlySequence<byte> _last;
    private long _consumed;
    private long _seenEnd;
    private bool _completed;

    public WatchedReader(PipeReader inner) => _inner = inner;

    /// <summary>The stream position just past the last byte a read has handed over.</summary>
    public long SeenEnd
    {
        get
        {
            lock (_gate)
            {
                return _seenEnd;
            }
        }
    }

    /// <summary>Completes once a read has handed over the byte before <paramref name="position"/>, or the reader is completed.</summary>
    public async Task WaitUntilSeenAsync(long position, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            lock (_gate)
            {
                if (_seenEnd >= position || _completed)
                {
                    return;
                }

                signal = _seen.Task;
            }

            await signal.WaitAsync(cancellationToken);
        }
    }

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ReadResult result = await _inner.ReadAsync(cancellationToken);
        Saw(result);
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!_inner.TryRead(out result))
        {
            return false;
        }

        Saw(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        lock (_gate)
        {
            _consumed += _last.Slice(_last.Start, consumed).Length;
        }

        _inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => _inner.CancelPendingRead();

    public override void Complete(Exception? exception = null)
    {
        _inner.Complete(exception);
        Signal(completed: true);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Saw(ReadResult result)
    {
        lock (_gate)
        {
            _last = result.Buffer;
            _seenEnd = _consumed + result.Buffer.Length;
        }

        Signal(completed: false);
    }

    private void Signal(bool completed)
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            _completed |= completed;
            done = _seen;
            _seen = NewSignal();
        }

        done.TrySetResult();
    }
}
