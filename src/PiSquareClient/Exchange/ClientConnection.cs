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
    }
}
