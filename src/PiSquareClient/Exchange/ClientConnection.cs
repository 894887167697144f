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
/// Failures become <see cref="ExchangeFailedException"/> with the exit code that fits.
/// </summary>
internal sealed class ClientConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly TimeSpan _receiveTimeout;
    private readonly SocketSpinning _spinning;
    private SpinHistory _spinHistory;

    // The receive timeout of the direct socket reads: one timer per connection, re-armed before each wait.
    private CancellationTokenSource? _receiveTimer;

    private ClientConnection(Socket socket, TimeSpan receiveTimeout, SocketSpinning spinning)
    {
        _socket = socket;
        _receiveTimeout = receiveTimeout;
        _spinning = spinning;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        Writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        RemoteEndPoint = socket.RemoteEndPoint?.ToString() ?? "unknown";
    }

    public PipeReader Reader { get; }

    public PipeWriter Writer { get; }

    public string RemoteEndPoint { get; }

    /// <summary>Connects to the first address of <paramref name="host"/> that answers.</summary>
    public static async Task<ClientConnection> ConnectAsync(
        string host, int port, TimeSpan connectTimeout, TimeSpan receiveTimeout, SocketSpinning spinning, CancellationToken cancellationToken)
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
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(connectTimeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token);
                return new ClientConnection(socket, receiveTimeout, spinning);
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
        CancellationTokenSource? timeout = null;
        try
        {
            while (true)
            {
                // Replies already buffered (pipelining) are parsed without arming any timer.
                if (!Reader.TryRead(out ReadResult result))
                {
                    _spinning.WaitReadable(_socket, ref _spinHistory);
                    timeout ??= StartTimeout(cancellationToken);
                    result = await ReadAsync(waitingFor, timeout.Token, cancellationToken);
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
            timeout?.Dispose();
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
        using CancellationTokenSource timeout = StartTimeout(cancellationToken);
        return await ReadAsync(waitingFor, timeout.Token, cancellationToken);
    }

    private CancellationTokenSource StartTimeout(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_receiveTimeout);
        return timeout;
    }

    private async ValueTask<ReadResult> ReadAsync(string waitingFor, CancellationToken timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await Reader.ReadAsync(timeout);
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
                _receiveTimer ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                _receiveTimer.CancelAfter(_receiveTimeout);
                received = await _socket.ReceiveAsync(into, SocketFlags.None, _receiveTimer.Token);
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
        _receiveTimer?.Dispose();
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
    }
}
