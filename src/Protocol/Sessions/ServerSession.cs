using System.Buffers;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Sessions;

/// <summary>
/// What both dialects' server sessions share: the connection and its observer, the handshake flag,
/// the count, and serving or refusing one request. Each dialect supplies only its wire format.
/// </summary>
public abstract class ServerSession : IServerSession
{
    /// <summary>Creates the session for one connection.</summary>
    protected ServerSession(ConnectionInfo connection, IExchangeObserver observer)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(observer);
        Connection = connection;
        Observer = observer;
        _served = new SquareBatch(connection);
    }

    /// <inheritdoc />
    public abstract Dialect Dialect { get; }

    /// <inheritdoc />
    public bool IsHandshakeComplete { get; private set; }

    /// <inheritdoc />
    public long SquaresServed => _served.Count;

    /// <summary>The connection served.</summary>
    protected ConnectionInfo Connection { get; }

    /// <summary>Told of everything that happens.</summary>
    protected IExchangeObserver Observer { get; }

    // The squares served, reported to the observer in one SquareServed per batch (see ReportServed), so the
    // observers' cost does not grow with the squares.
    private readonly SquareBatch _served;

    /// <inheritdoc />
    public abstract SessionStatus Process(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output);

    /// <inheritdoc />
    public void WriteFatalError(IBufferWriter<byte> output, ProtocolError error)
    {
        WriteError(output, error);
        ReportServed(); // The squares answered before the error are reported before it, keeping the order.
        Observer.RequestRejected(Connection, error);
    }

    /// <inheritdoc />
    public void ReportServed() => _served.Report(Observer);

    /// <inheritdoc />
    public abstract void WriteShutdown(IBufferWriter<byte> output);

    /// <summary>Writes a square in the dialect's format.</summary>
    protected abstract void WriteSquare(IBufferWriter<byte> output, in ProtocolInteger square);

    /// <summary>Writes an error in the dialect's format.</summary>
    protected abstract void WriteError(IBufferWriter<byte> output, in ProtocolError error);

    /// <summary>Marks the greeting answered and tells the observer what the server said and agreed.</summary>
    /// <param name="version">The version agreed (0 for the textbook dialect).</param>
    /// <param name="greeting">The server's greeting line as sent, without its line end.</param>
    protected void CompleteHandshake(int version, string greeting)
    {
        IsHandshakeComplete = true;
        Observer.ServerGreeted(Connection, greeting);
        Observer.HandshakeCompleted(Connection, Dialect, version);
    }

    /// <summary>Answers one request with its square.</summary>
    protected SessionStatus Serve(in ProtocolInteger value, IBufferWriter<byte> output)
    {
        ProtocolInteger square = value.Square();
        WriteSquare(output, square);
        Served(value, square);
        return SessionStatus.Open;
    }

    /// <summary>Counts a square written; the observer hears of it in the batch's <see cref="ReportServed"/>.</summary>
    protected void Served(in ProtocolInteger value, in ProtocolInteger square) => Served(value, square, 1);

    /// <summary>Counts <paramref name="squares"/> squares written, the last of them <paramref name="value"/> squared.</summary>
    protected void Served(in ProtocolInteger value, in ProtocolInteger square, long squares) => _served.Add(value, square, squares);

    /// <summary>
    /// Says goodbye to the observer, after reporting the squares served before it (the order of the events
    /// holds: every square of the connection before its <see cref="IExchangeObserver.GoodbyeSaid"/>).
    /// </summary>
    protected void ReportGoodbye(GoodbyeInitiator initiator)
    {
        ReportServed();
        Observer.GoodbyeSaid(Connection, initiator, SquaresServed);
    }

    /// <summary>Answers one request with an error; a 5xx error also closes the connection.</summary>
    protected SessionStatus Reject(IBufferWriter<byte> output, ProtocolError error)
    {
        WriteFatalError(output, error);
        return error.ClosesConnection ? SessionStatus.Close(CloseReason.ProtocolError) : SessionStatus.Open;
    }
}
