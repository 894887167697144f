using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using IotSquares.Transport;

namespace IotSquares.TestKit;

/// <summary>
/// A connection made of two in-memory pipes, for running a connection loop without sockets. The test
/// plays the peer: it chooses exactly how the bytes are cut into reads, and whether the loop may know
/// that more bytes are on their way (what <c>Socket.Available</c> tells a socket loop).
/// Replies go into a pipe with the usual 64 KiB back-pressure, so a peer that never reads stalls the
/// loop's flush as a full socket buffer would.
/// </summary>
public sealed class InMemoryTransport : IConnectionTransport
{
    private readonly Pipe _toLoop = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Pipe _toPeer = new(new PipeOptions(useSynchronizationContext: false));
    private readonly WatchedReader _input;
    private long _sent;
    private long _written;

    /// <summary>Creates an open connection.</summary>
    public InMemoryTransport()
    {
        _input = new WatchedReader(_toLoop.Reader);
    }

    /// <inheritdoc />
    public PipeReader Input => _input;

    /// <inheritdoc />
    public PipeWriter Output => _toPeer.Writer;

    /// <inheritdoc />
    public bool HasUnreadBytes => Interlocked.Read(ref _sent) > _input.SeenEnd;

    /// <summary>How often the loop asked for a brief wait after a reply.</summary>
    public int BriefWaits { get; private set; }

    /// <summary>True once the loop dropped the connection instead of closing it.</summary>
    public bool Aborted { get; private set; }

    /// <summary>True once the loop closed the connection (after an abort too).</summary>
    public bool Closed { get; private set; }

    /// <summary>The peer's end: everything the loop wrote.</summary>
    public PipeReader Replies => _toPeer.Reader;

    /// <inheritdoc />
    public void AwaitNextBytesBriefly() => BriefWaits++;

    /// <inheritdoc />
    public void Abort() => Aborted = true;

    /// <inheritdoc />
    public async ValueTask CloseAsync(TimeSpan linger)
    {
        await _input.CompleteAsync();
        await _toPeer.Writer.CompleteAsync();
        Closed = true;
    }

    /// <summary>
    /// Sends each piece as a read of its own: the next piece is written only once the loop has taken
    /// the previous one, and the loop never hears of a piece before it is written.
    /// </summary>
    public async Task SendAsync(IEnumerable<byte[]> pieces, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        foreach (byte[] piece in pieces)
        {
            Interlocked.Add(ref _sent, piece.Length);
            await WriteAndWaitUntilTakenAsync(piece, cancellationToken);
        }
    }

    /// <summary>Sends <paramref name="text"/> (ASCII) as one read.</summary>
    public Task SendAsync(string text, CancellationToken cancellationToken) =>
        SendAsync([Encoding.ASCII.GetBytes(text)], cancellationToken);

    /// <summary>
    /// Sends the pieces as separate reads, but the loop knows from the start that all of them are on
    /// their way: what a socket shows when one message is bigger than one read of its buffer.
    /// </summary>
    public async Task SendAnnouncedAsync(IReadOnlyList<byte[]> pieces, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        Interlocked.Add(ref _sent, pieces.Sum(static p => (long)p.Length));
        foreach (byte[] piece in pieces)
        {
            await WriteAndWaitUntilTakenAsync(piece, cancellationToken);
        }
    }

    /// <summary>Writes <paramref name="text"/> (ASCII) and returns at once, whether or not the loop has read it.</summary>
    public async Task SendWithoutWaitingAsync(string text, CancellationToken cancellationToken)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        Interlocked.Add(ref _sent, bytes.Length);
        _written += bytes.Length;
        await _toLoop.Writer.WriteAsync(bytes, cancellationToken);
    }

    /// <summary>The peer closes its sending side.</summary>
    public ValueTask CompleteSendingAsync() => _toLoop.Writer.CompleteAsync();

    /// <summary>Reads exactly <paramref name="count"/> bytes of replies (ASCII), waiting for them.</summary>
    public Task<string> ReceiveAsync(int count, CancellationToken cancellationToken) =>
        ReceiveUntilAsync(
            replies => replies.Length >= count ? replies.GetPosition(count) : null,
            cancellationToken);

    /// <summary>Reads one LF-terminated reply line, with its LF; what arrived before the end when the loop closed first.</summary>
    public Task<string> ReceiveLineAsync(CancellationToken cancellationToken) =>
        ReceiveUntilAsync(
            replies => replies.PositionOf((byte)'\n') is SequencePosition lineFeed ? replies.GetPosition(1, lineFeed) : null,
            cancellationToken);

    // Waits until endOf finds where the wanted text ends in the replies received so far, takes the replies up
    // to there and leaves the rest; when the loop closes first, takes whatever arrived.
    private async Task<string> ReceiveUntilAsync(Func<ReadOnlySequence<byte>, SequencePosition?> endOf, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await Replies.ReadAsync(cancellationToken);
            SequencePosition? end = endOf(result.Buffer);
            if (end is not null || result.IsCompleted)
            {
                ReadOnlySequence<byte> taken = result.Buffer.Slice(0, end ?? result.Buffer.End);
                string text = Encoding.ASCII.GetString(taken);
                Replies.AdvanceTo(taken.End);
                return text;
            }

            Replies.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Reads every reply until the loop closes the connection.</summary>
    public async Task<string> ReceiveToEndAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await Replies.ReadAsync(cancellationToken);
            if (result.IsCompleted)
            {
                string text = Encoding.ASCII.GetString(result.Buffer);
                Replies.AdvanceTo(result.Buffer.End);
                return text;
            }

            Replies.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>How many reply bytes the loop has written and the peer has not read, without reading them.</summary>
    public long PendingReplyBytes()
    {
        if (!Replies.TryRead(out ReadResult result))
        {
            return 0;
        }

        long length = result.Buffer.Length;
        Replies.AdvanceTo(result.Buffer.Start);
        return length;
    }

    private async Task WriteAndWaitUntilTakenAsync(byte[] piece, CancellationToken cancellationToken)
    {
        _written += piece.Length;
        await _toLoop.Writer.WriteAsync(piece, cancellationToken);
        await _input.WaitUntilSeenAsync(_written, cancellationToken);
    }
}
