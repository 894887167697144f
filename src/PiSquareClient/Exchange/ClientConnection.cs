using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using IotSquares.CommandLine;
using IotSquares.Transport;

namespace IotSquares.Client.Exchange;

/// <summary>Parses one message from the front of a buffer, advancing it; false when more bytes are needed.</summary>
internal delegate bool MessageParser<T>(ref ReadOnlySequence<byte> buffer, out T message);

/// <summary>
/// A connected socket with a pipe reader and writer, where every read has the receive timeout.
/// Failures become <see cref="ExchangeFailedException"/> with the exit code that fits. Both timeouts
/// run on the client's <see cref="TimeProvider"/>, so tests of them move a fake clock instead of waiting.
/// </summary>
internal sealed class ClientConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly TimeSpan _receiveTimeout;
    private readonly SocketSpinning _spinning;

    // One clock per connection, armed while the client waits for a reply and disarmed when it has one,
    // as the server's idle clock: no timer is made per reply. Cancelling the run cancels it too. Once it
    // has fired the connection is finished (the caller reconnects or gives up).
    private readonly CancellationTokenSource _clock;
    private readonly CancellationTokenRegistration _runCancelled;
    private SpinHistory _spinHistory;

    private ClientConnection(Socket socket, TimeSpan receiveTimeout, SocketSpinning spinning, TimeProvider time, CancellationToken cancellationToken)
    {
        _socket = socket;
        _receiveTimeout = receiveTimeout;
        _spinning = spinning;
        _clock = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _runCancelled = cancellationToken.UnsafeRegister(static clock => ((CancellationTokenSource)clock!).Cancel(), _clock);
        _stream = new NetworkStream(socket, ownsSocket: true);
        Reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        Writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        RemoteEndPoint = socket.RemoteEndPoint?.ToString() ?? "unknown";
    }

    public PipeReader Reader { get; }

    public PipeWriter Writer { get; }

    public string RemoteEndPoint { get; }

    /// <summary>Connects to the first address of <paramref name="host"/> that answers.</summary>
    /// <param name="host">A host name or an IP address.</param>
    /// <param name="port">The server's port.</param>
    /// <param name="connectTimeout">Time for each address to answer, on <paramref name="time"/>.</param>
    /// <param name="receiveTimeout">Time for each reply, on <paramref name="time"/>.</param>
    /// <param name="spinning">The short poll before each wait.</param>
    /// <param name="time">The clock of both timeouts.</param>
    /// <param name="cancellationToken">Cancels the connection attempt and, later, every wait on the connection.</param>
    public static async Task<ClientConnection> ConnectAsync(
        string host, int port, TimeSpan connectTimeout, TimeSpan receiveTimeout, SocketSpinning spinning, TimeProvider time, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException ex)
        {
            throw ExchangeFailedException.Transient(ClientExitCodes.CannotConnect, $"cannot resolve '{host}': {ex.Message}", ex);
        }

        string lastError = "no address";
        foreach (IPAddress address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var clock = new CancellationTokenSource(connectTimeout, time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, clock.Token);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token);
                return new ClientConnection(socket, receiveTimeout, spinning, time, cancellationToken);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                lastError = $"{address}: {ex.Message}";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                lastError = $"{address}: no answer within {DurationText.Format(connectTimeout)}";
            }
        }

        throw ExchangeFailedException.Transient(ClientExitCodes.CannotConnect, $"cannot connect to {host}:{port} ({lastError})");
    }

    /// <summary>Reads until <paramref name="parse"/> yields one message, within the receive timeout.</summary>
    public async ValueTask<T> ReadMessageAsync<T>(MessageParser<T> parse, string waitingFor, CancellationToken cancellationToken)
    {
        bool armed = false;
        try
        {
            while (true)
            {
                // Replies already buffered (pipelining) are parsed without arming any timer.
                if (!Reader.TryRead(out ReadResult result))
                {
                    _spinning.WaitReadable(_socket, ref _spinHistory);
                    if (!armed)
                    {
                        // One timeout for the whole message, however many reads it takes.
                        _clock.CancelAfter(_receiveTimeout);
                        armed = true;
                    }

                    result = await ReadAsync(waitingFor, cancellationToken);
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                if (parse(ref buffer, out T message))
                {
                    // Consumed up to the message, examined no further: more whole messages may be waiting.
                    Reader.AdvanceTo(buffer.Start);
                    return message;
                }

                Reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    throw ExchangeFailedException.Transient(ClientExitCodes.ConnectionLost, $"the server closed the connection before its {waitingFor}");
                }
            }
        }
        finally
        {
            if (armed)
            {
                Disarm();
            }
        }
    }

    /// <summary>
    /// Returns what has been received and not yet examined, waiting (within the receive timeout) only
    /// when there is nothing. The caller parses as many messages as it likes and calls AdvanceTo.
    /// </summary>
    public async ValueTask<ReadResult> ReadAvailableAsync(string waitingFor, CancellationToken cancellationToken)
    {
        if (Reader.TryRead(out ReadResult result))
        {
            return result;
        }

        _spinning.WaitReadable(_socket, ref _spinHistory);
        _clock.CancelAfter(_receiveTimeout);
        try
        {
            return await ReadAsync(waitingFor, cancellationToken);
        }
        finally
        {
            Disarm();
        }
    }

    private void Disarm()
    {
        try
        {
            _clock.CancelAfter(Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed while a read was failing: nothing left to disarm.
        }
    }

    private async ValueTask<ReadResult> ReadAsync(string waitingFor, CancellationToken cancellationToken)
    {
        try
        {
            return await Reader.ReadAsync(_clock.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw ExchangeFailedException.Transient(
                ClientExitCodes.Timeout,
                $"no {waitingFor} from the server within {DurationText.Format(_receiveTimeout)}");
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            throw ExchangeFailedException.Transient(ClientExitCodes.ConnectionLost, $"connection lost while waiting for the server's {waitingFor}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Hands over the bytes the pipe reader has received and not consumed, for a caller that reads the
    /// socket directly from now on (<see cref="ReceiveAsync"/>). Nothing is left behind in the pipe.
    /// </summary>
    public ReplyReceiver TakeOverReceiving(int maxLineLength)
    {
        if (!Reader.TryRead(out ReadResult buffered))
        {
            return new ReplyReceiver(maxLineLength, ReadOnlySequence<byte>.Empty);
        }

        var receiver = new ReplyReceiver(maxLineLength, buffered.Buffer);
        Reader.AdvanceTo(buffered.Buffer.End);
        return receiver;
    }

    /// <summary>
    /// Reads straight from the socket into <paramref name="into"/>: at once when bytes are waiting (after a
    /// short spin, <see cref="SocketSpinning"/>), otherwise asynchronously within the receive timeout.
    /// Only after <see cref="TakeOverReceiving"/>; the pipe reader must not be used beside it.
    /// </summary>
    public async ValueTask<int> ReceiveAsync(Memory<byte> into, string waitingFor, CancellationToken cancellationToken)
    {
        int received;
        try
        {
            if (_socket.Available > 0 || _spinning.WaitReadable(_socket, ref _spinHistory))
            {
                received = _socket.Receive(into.Span);
            }
            else
            {
                // The connection's one clock, armed only for the wait and disarmed after it (see ReadAsync).
                _clock.CancelAfter(_receiveTimeout);
                try
                {
                    received = await _socket.ReceiveAsync(into, SocketFlags.None, _clock.Token);
                }
                finally
                {
                    Disarm();
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw ExchangeFailedException.Transient(
                ClientExitCodes.Timeout, $"no {waitingFor} from the server within {DurationText.Format(_receiveTimeout)}");
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            throw ExchangeFailedException.Transient(ClientExitCodes.ConnectionLost, $"connection lost while waiting for the server's {waitingFor}: {ex.Message}", ex);
        }

        return received > 0
            ? received
            : throw ExchangeFailedException.Transient(ClientExitCodes.ConnectionLost, $"the server closed the connection before its {waitingFor}");
    }

    /// <summary>Sends <paramref name="bytes"/> straight to the socket (nothing may wait unflushed in the pipe writer).</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            throw ExchangeFailedException.Transient(ClientExitCodes.ConnectionLost, $"connection lost while sending: {ex.Message}", ex);
        }
    }

    /// <summary>Sends whatever has been written.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Writer.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            throw ExchangeFailedException.Transient(ClientExitCodes.ConnectionLost, $"connection lost while sending: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Reader.CompleteAsync();
        try
        {
            await Writer.CompleteAsync();
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Already closed by the peer: nothing left to send.
        }

        await _stream.DisposeAsync();
        await _runCancelled.DisposeAsync();
        _clock.Dispose();
    }
}
