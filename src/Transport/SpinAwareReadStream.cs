namespace IotSquares.Transport;

/// <summary>
/// The read side of a <see cref="SocketTransport"/>'s stream for its input pipe. The pipe first waits for
/// bytes with a zero-byte read (so an idle connection holds no read buffer); when the spin after a reply
/// has just seen the next request arrive, that wait is already over, and this answers it at once instead
/// of asking the kernel again: one system call less per lockstep request. It also notes whether the last
/// read filled what it was given: a socket read that did not has taken every byte the kernel held, so
/// "are more bytes waiting?" needs no second system call (<see cref="SocketTransport.HasUnreadBytes"/>).
/// </summary>
internal sealed class SpinAwareReadStream : Stream
{
    private readonly Stream _inner;
    private readonly Func<bool> _takeBytesSeen;

    /// <param name="inner">The socket's stream; not owned (the transport disposes it).</param>
    /// <param name="takeBytesSeen">True, once, when the spin saw bytes waiting since the last call.</param>
    public SpinAwareReadStream(Stream inner, Func<bool> takeBytesSeen)
    {
        _inner = inner;
        _takeBytesSeen = takeBytesSeen;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>True when the last read that asked for bytes got as many as it asked for: more may be waiting.</summary>
    public bool LastReadFilled { get; private set; }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return _takeBytesSeen() ? ValueTask.FromResult(0) : _inner.ReadAsync(buffer, cancellationToken);
        }

        ValueTask<int> read = _inner.ReadAsync(buffer, cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            int count = read.Result;
            LastReadFilled = count == buffer.Length;
            return ValueTask.FromResult(count);
        }

        return NoteWhenDoneAsync(read, buffer.Length);
    }

    private async ValueTask<int> NoteWhenDoneAsync(ValueTask<int> read, int asked)
    {
        int count = await read.ConfigureAwait(false);
        LastReadFilled = count == asked;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
