using System.Numerics;
using IotSquares.Client.Exchange;
using IotSquares.Protocol;

namespace IotSquares.Client;

/// <summary>What one run of the client does.</summary>
public sealed record ClientOptions
{
    /// <summary>The textbook's port, and ours.</summary>
    public const int DefaultPort = 50007;

    /// <summary>The server's host name or address.</summary>
    public string Host { get; init; } = "localhost";

    /// <summary>The server's TCP port.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The first integer to send.</summary>
    public BigInteger Start { get; init; } = BigInteger.Zero;

    /// <summary>How many consecutive integers to send (the textbook sends 0..99).</summary>
    public long Count { get; init; } = 100;

    /// <summary>The dialect to speak.</summary>
    public DialectChoice Dialect { get; init; } = DialectChoice.Framed;

    /// <summary>Requests in flight at once (framed dialect only); 1 is lockstep.</summary>
    public int Pipeline { get; init; } = 1;

    /// <summary>How long to wait for the connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for any reply.</summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long to poll the socket for a reply before parking the read: catches a lockstep reply
    /// without the event loop's wake-up cost, at the price of a busy core for at most this long per
    /// request. Zero turns it off.
    /// </summary>
    public TimeSpan Spin { get; init; } = TimeSpan.FromMicroseconds(50);

    /// <summary>When to reconnect after a lost connection, a silent or a restarting server.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>
    /// Raise <see cref="Protocol.Events.IExchangeObserver.SquareServed"/> for every square verified, as a batch of
    /// one, instead of once per batch of replies received: for a console that prints each square. It costs
    /// the observers' work on every square, so only what shows each square should ask for it.
    /// </summary>
    public bool ReportEachSquare { get; init; }

    /// <summary>The limits the client holds replies to.</summary>
    public ProtocolLimits Limits { get; init; } = ProtocolLimits.Default;
}
