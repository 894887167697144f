using System.Buffers;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Sessions;
using IotSquares.TestKit;

namespace IotSquares.Protocol.Tests.Support;

/// <summary>
/// Plays the connection loop around a session: each call is one read, handed to the session after
/// whatever it left unconsumed last time; replies accumulate in an <see cref="ArrayBufferWriter{T}"/>,
/// and the read's squares are reported after it, as the loop reports them after its flush.
/// </summary>
internal sealed class SessionDriver(IServerSession session)
{
    private readonly ArrayBufferWriter<byte> _output = new();
    private readonly ReadLoopBuffer _reads = new();

    public IServerSession Session { get; } = session;

    /// <summary>Everything written since the last <see cref="TakeOutput"/>.</summary>
    public string Output => Sequences.Text(_output.WrittenSpan);

    /// <summary>The bytes the session has not consumed yet.</summary>
    public string Unconsumed => Sequences.Text(_reads.Unconsumed);

    /// <summary>The status of the last read.</summary>
    public SessionStatus LastStatus { get; private set; }

    public SessionStatus Receive(string text) => Receive(Sequences.Bytes(text));

    public SessionStatus Receive(byte[] bytes)
    {
        if (LastStatus.IsClosing)
        {
            throw new InvalidOperationException("The session asked to close; a connection loop reads no more.");
        }

        ReadOnlySequence<byte> buffer = _reads.Append(bytes);
        LastStatus = Session.Process(ref buffer, _output);
        _reads.Keep(buffer);
        Session.ReportServed();

        return LastStatus;
    }

    /// <summary>Sends each piece as one read, stopping when the session closes.</summary>
    public SessionStatus ReceiveAll(IEnumerable<byte[]> pieces)
    {
        foreach (byte[] piece in pieces)
        {
            if (Receive(piece).IsClosing)
            {
                break;
            }
        }

        return LastStatus;
    }

    /// <summary>Returns what was written and clears it, to look at replies one read at a time.</summary>
    public string TakeOutput()
    {
        string text = Output;
        _output.Clear();
        return text;
    }

    public void WriteShutdown() => Session.WriteShutdown(_output);

    public void WriteFatalError(ProtocolError error) => Session.WriteFatalError(_output, error);
}
