using System.IO.Pipelines;

namespace IotSquares.Transport;

/// <summary>
/// The byte stream under one connection as a connection loop sees it: a pipe each way, plus the two
/// things only the transport can answer (are more bytes already waiting? is it worth a short wait for
/// the peer's next bytes?) and how the connection ends. <see cref="SocketTransport"/> is the real one;
/// tests run the same loop over in-memory pipes, where every split of the bytes can be chosen.
/// </summary>
public interface IConnectionTransport : IDuplexPipe
{
    /// <summary>
    /// True when the peer has sent bytes that <see cref="IDuplexPipe.Input"/> has not handed over yet.
    /// The textbook dialect has no delimiter, so a loop reads on while this is true before it treats
    /// what it has as one message. May throw what the transport throws for a broken connection.
    /// </summary>
    bool HasUnreadBytes { get; }

    /// <summary>
    /// Called right after replies were sent: gives the peer's next request (lockstep) or next batch
    /// (pipelined) a very short chance to arrive before the loop parks on a read. A transport where this
    /// does not pay does nothing.
    /// </summary>
    void AwaitNextBytesBriefly();

    /// <summary>
    /// Called right after the replies to a pipelined batch were sent (and the brief wait): the peer's next
    /// batch is likely waiting already, so the next read may go straight for the bytes (one system call, as a C server's
    /// <c>read</c>) instead of first waiting for them without a buffer. The loop calls it only while few
    /// connections are open, since a read that does wait holds its buffer. Does nothing by default.
    /// </summary>
    void ReadOnWithoutWaiting()
    {
    }

    /// <summary>Drops the connection at once: bytes not yet sent are discarded, nothing waits on the peer.</summary>
    void Abort();

    /// <summary>
    /// Completes both pipes and closes so that the last bytes written reach the peer, waiting up to
    /// <paramref name="linger"/> for the peer to close its side. Never throws.
    /// </summary>
    ValueTask CloseAsync(TimeSpan linger);
}
