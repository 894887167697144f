using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;

namespace IotSquares.Server.Tests.Support;

/// <summary>The events of the one connection a <see cref="LoopRun"/> serves that its tests look at.</summary>
internal sealed class ConnectionEvents : IExchangeObserver
{
    private readonly List<ErrorCode> _rejected = [];

    /// <summary>How the connection ended, once it has.</summary>
    public (CloseReason Reason, long Count)? Closed { get; private set; }

    public IReadOnlyList<ErrorCode> Rejected => _rejected;

    public void RequestRejected(ConnectionInfo connection, ProtocolError error) => _rejected.Add(error.Code);

    public void ConnectionClosed(ConnectionInfo connection, CloseReason reason, long count) => Closed = (reason, count);
}
