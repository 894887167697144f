namespace IotSquares.Protocol.Events;

/// <summary>Who an exchange is with: handed to every observer call of one connection.</summary>
/// <param name="Id">A number unique within the process, for logs and displays.</param>
/// <param name="RemoteEndPoint">The peer's address and port as text.</param>
public sealed record ConnectionInfo(long Id, string RemoteEndPoint);
