using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IotSquares.Integration.Tests.Support;

/// <summary>What the proxy does to one connection's server-to-client bytes.</summary>
public enum FaultKind
{
    /// <summary>Forward everything.</summary>
    None,

    /// <summary>Forward the first bytes, then close both sides (the last reply is cut in half).</summary>
    CloseMidFrame,

    /// <summary>Forward the first bytes, then send garbage instead of replies.</summary>
    Garbage,

    /// <summary>Forward the first bytes, then nothing more, leaving the connection open.</summary>
    Silence,
}

/// <summary>A fault and the number of server bytes forwarded before it strikes.</summary>
public readonly record struct Fault(FaultKind Kind, int AfterBytes)
{
    public static Fault None => new(FaultKind.None, 0);
}

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a real server that misbehaves as a test tells it, one
/// connection at a time: the network and server failures a client must survive, made repeatable.
/// </summary>
public sealed class ChaosProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly Func<int, Fault> _faultFor;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private int _connections;

    private ChaosProxy(int targetPort, Func<int, Fault> faultFor)
    {
        _targetPort = targetPort;
        _faultFor = faultFor;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Starts a proxy; <paramref name="faultFor"/> gets each connection's number, from 1.</summary>
    public static ChaosProxy Start(int targetPort, Func<int, Fault> faultFor) => new(targetPort, faultFor);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client = await _listener.AcceptSocketAsync(_stop.Token);
            int number = Interlocked.Increment(ref _connections);
            Task pump = ServeAsync(client, _faultFor(number));
            lock (_pumps)
            {
                _pumps.Add(pump);
            }
        }
    }

    private async Task ServeAsync(Socket client, Fault fault)
    {
        using (client)
        using (var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            client.NoDelay = true;
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            try
            {
                await server.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _targetPort), done.Token);
                Task up = CopyAsync(client, server, int.MaxValue, done.Token);
                Task down = DownAsync(server, client, fault, done.Token);
                await Task.WhenAny(up, down);
                await done.CancelAsync();
                await Task.WhenAll(up, down).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // One side went away: the proxy's job for this connection is over.
            }
        }
    }

    private static async Task DownAsync(Socket server, Socket client, Fault fault, CancellationToken cancellationToken)
    {
        int limit = fault.Kind == FaultKind.None ? int.MaxValue : fault.AfterBytes;
        await CopyAsync(server, client, limit, cancellationToken);
        switch (fault.Kind)
        {
            case FaultKind.Garbage:
                await client.SendAsync(Encoding.ASCII.GetBytes("#$%garbage!\n"), SocketFlags.None, cancellationToken);
                await Task.Delay(Timeout.Infinite, cancellationToken);
                break;
            case FaultKind.Silence:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                break;
            default:
                client.Shutdown(SocketShutdown.Both);
                break;
        }
    }

    // Copies until the source closes or 'limit' bytes have been copied.
    private static async Task CopyAsync(Socket from, Socket to, int limit, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[16384];
        long copied = 0;
        while (copied < limit)
        {
            int wanted = (int)Math.Min(buffer.Length, limit - copied);
            int n = await from.ReceiveAsync(buffer.AsMemory(0, wanted), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, cancellationToken);
            copied += n;
        }
    }
}
