using System.Buffers;
using IotSquares.Protocol.Errors;

namespace IotSquares.Protocol.Sessions;

/// <summary>
/// The server's side of one connection once its dialect is known: turns the bytes a client sent into
/// replies, and keeps the handshake state and the count. Pure: the caller does all I/O.
/// </summary>
public interface IServerSession
{
    /// <summary>The dialect spoken.</summary>
    Dialect Dialect { get; }

    /// <summary>True once the greeting has been answered.</summary>
    bool IsHandshakeComplete { get; }

    /// <summary>How many squares have been served.</summary>
    long SquaresServed { get; }

    /// <summary>
    /// Handles every whole message at the front of <paramref name="buffer"/>, advancing it past each,
    /// and writes the replies to <paramref name="output"/>. Whatever is left is an incomplete message.
    /// </summary>
    SessionStatus Process(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output);

    /// <summary>
    /// Tells the observer, in one <see cref="Events.IExchangeObserver.SquareServed"/>, of the squares served since
    /// the last report: the latest value and square, and the connection's count. Does nothing when none were
    /// served. The connection loop calls it once its replies are flushed, and before the connection's close; the
    /// session itself calls it before any later event of the connection (an error, a goodbye), keeping the order.
    /// </summary>
    void ReportServed();

    /// <summary>Writes a fatal error (timeout, internal error) in the session's dialect, before closing.</summary>
    void WriteFatalError(IBufferWriter<byte> output, ProtocolError error);

    /// <summary>
    /// Writes what the dialect says when the server stops: a goodbye with the count in the framed
    /// dialect, nothing in the textbook dialect (it has no way to say it).
    /// </summary>
    void WriteShutdown(IBufferWriter<byte> output);
}
