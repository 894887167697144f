using System.Net.Sockets;
using System.Text;

namespace IotSquares.TestKit;

/// <summary>
/// A stand-in for systemd's notification socket: a Unix datagram socket (a file in the temp folder,
/// or a name in the abstract namespace) that records every sd_notify line a process sends, with the
/// time it arrived. Give <see cref="Address"/> to the process as <c>NOTIFY_SOCKET</c>.
/// </summary>
public sealed class NotifyListener : IDisposable
{
    private readonly Socket _socket;
    private readonly string? _file;
    private readonly List<Notification> _received = [];
    private readonly Lock _gate = new();
    private readonly Task _receiving;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NotifyListener(Socket socket, string address, string? file)
    {
        _socket = socket;
        _file = file;
        Address = address;
        _receiving = ReceiveAsync();
    }

    /// <summary>One line of one datagram, and when it arrived.</summary>
    public sealed record Notification(DateTime Received, string Line);

    /// <summary>The value for <c>NOTIFY_SOCKET</c>: a path, or <c>@name</c> for the abstract namespace.</summary>
    public string Address { get; }

    /// <summary>Every line received so far, in order.</summary>
    public IReadOnlyList<Notification> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Binds a fresh socket: a socket file, or with <paramref name="abstractName"/> an abstract name.</summary>
    public static NotifyListener Bind(bool abstractName = false)
    {
        string name = $"pisquare-notify-{Environment.ProcessId}-{Guid.NewGuid():N}";
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            if (abstractName)
            {
                socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
                return new NotifyListener(socket, "@" + name, null);
            }

            string file = Path.Combine(Path.GetTempPath(), name + ".sock");
            socket.Bind(new UnixDomainSocketEndPoint(file));
            return new NotifyListener(socket, file, file);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Waits (bounded) for a line that matches, among those received already and those to come.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan? timeout = null, int skip = 0)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                foreach (Notification notification in _received.Skip(skip))
                {
                    if (match(notification.Line))
                    {
                        return notification.Line;
                    }
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no matching notification arrived; received:\n" + string.Join('\n', Received.Select(n => n.Line)));
            }
        }
    }

    /// <summary>Waits for exactly this line, e.g. <c>READY=1</c>.</summary>
    public Task<string> WaitForAsync(string line, TimeSpan? timeout = null) =>
        WaitForAsync(l => l == line, timeout);

    /// <summary>Closes the socket and removes its file.</summary>
    public void Dispose()
    {
        _socket.Dispose();
        _receiving.Wait(TimeSpan.FromSeconds(5));
        if (_file is not null)
        {
            File.Delete(_file);
        }
    }

    private async Task ReceiveAsync()
    {
        byte[] buffer = new byte[4096];
        try
        {
            while (true)
            {
                int length = await _socket.ReceiveAsync(buffer, SocketFlags.None);
                DateTime now = DateTime.UtcNow;
                lock (_gate)
                {
                    foreach (string line in Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        _received.Add(new Notification(now, line));
                    }

                    _changed.TrySetResult();
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Disposed: the test is over.
        }
    }
}
