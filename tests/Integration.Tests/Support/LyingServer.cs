using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Text;

namespace IotSquares.Integration.Tests.Support;

/// <summary>
/// A framed server of our own on 127.0.0.1 that squares correctly except for one number, whose square
/// it gets wrong by one: the one thing a real server never does, so the client's check can be seen to work.
/// </summary>
public sealed class LyingServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly BigInteger _lieAbout;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private int _connections;

    private LyingServer(BigInteger lieAbout)
    {
        _lieAbout = lieAbout;
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public static LyingServer Start(BigInteger lieAbout) => new(lieAbout);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using Socket client = await _listener.AcceptSocketAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            try
            {
                await AnswerAsync(client, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                // The client hung up, as it should after a wrong square.
            }
        }
    }

    private async Task AnswerAsync(Socket client, CancellationToken cancellationToken)
    {
        using var stream = new NetworkStream(client);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\n", AutoFlush = true };
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("HELLO ", StringComparison.Ordinal))
            {
                await writer.WriteLineAsync("WELCOME squares/1 max-digits=4096 max-line=8192");
            }
            else if (line == "BYE")
            {
                await writer.WriteLineAsync("BYE 0");
                return;
            }
            else
            {
                BigInteger n = BigInteger.Parse(line, System.Globalization.CultureInfo.InvariantCulture);
                BigInteger square = n == _lieAbout ? (n * n) + 1 : n * n;
                await writer.WriteLineAsync(square.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
