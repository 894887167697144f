using IotSquares.Protocol;

namespace IotSquares.Server.Options;

/// <summary>
/// Everything an operator can set, bound from the <c>Server</c> section of appsettings.json,
/// <c>PISQUARE_Server__*</c> environment variables and the command line.
/// </summary>
public sealed class ServerOptions
{
    /// <summary>The configuration section these options come from.</summary>
    public const string SectionName = "Server";

    /// <summary>The textbook's port, and ours.</summary>
    public const int DefaultPort = 50007;

    /// <summary>The default spin after a reply, in microseconds.</summary>
    public const int DefaultSpinMicroseconds = 50;

    /// <summary>The TCP port to listen on; 0 picks a free port (tests).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>
    /// Where to listen: <c>*</c> (all interfaces, IPv4 and IPv6), an IP address such as
    /// <c>192.168.1.20</c> or <c>::1</c>, or a host name whose addresses are all bound.
    /// </summary>
    public string Bind { get; set; } = "*";

    /// <summary>The most clients served at once; one more is told <c>ERR 503 server busy</c> and closed.</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>
    /// The most clients one remote address may have connected at once (0: no limit), so one host cannot
    /// take every slot; one more is told <c>ERR 503 server busy: too many connections from your address</c>.
    /// </summary>
    public int MaxConnectionsPerAddress { get; set; } = 64;

    /// <summary>How long a new connection may take to send its whole greeting, however it trickles in.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a connection may go without completing a request: silence, or a request trickling
    /// in too slowly, both end the connection with <c>ERR 504 timed out</c>.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long stopping may take: answering what is in flight and saying goodbye.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Microseconds a connection keeps polling its socket after sending replies before its read
    /// sleeps. A lockstep client sends its next number within tens of microseconds; catching it by
    /// polling skips the event loop's wake-up, roughly halving the round trip. At most (cores - 1)
    /// connections spin at once and only right after activity, so an idle client costs nothing.
    /// 0 turns it off (saves a little power on a battery-fed Pi).
    /// </summary>
    public int SpinMicroseconds { get; set; } = DefaultSpinMicroseconds;

    /// <summary>
    /// Bytes taken from the socket per read. With <see cref="MaxLineLength"/> it bounds what one
    /// connection buffers: one incomplete line plus one read. Large enough for a whole pipelined burst
    /// in one read; an idle connection holds no read buffer (it waits for bytes before it takes one).
    /// </summary>
    public int ReadBufferSize { get; set; } = 65536;

    /// <summary>The most digits a request may have (see <see cref="ProtocolLimits.MaxDigits"/>).</summary>
    public int MaxDigits { get; set; } = ProtocolLimits.DefaultMaxDigits;

    /// <summary>The most bytes a request line may have (see <see cref="ProtocolLimits.MaxLineLength"/>).</summary>
    public int MaxLineLength { get; set; } = ProtocolLimits.DefaultMaxLineLength;

    /// <summary>Settings that could not be read (not a number, not a duration), for the validator to report.</summary>
    internal List<string> ReadFailures { get; } = [];

    /// <summary>The protocol limits these options describe.</summary>
    public ProtocolLimits ToLimits() => new() { MaxDigits = MaxDigits, MaxLineLength = MaxLineLength };
}
