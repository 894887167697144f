using System.Buffers;
using System.IO.Pipelines;
using IotSquares.CommandLine;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Wire;

namespace IotSquares.Client.Exchange;

/// <summary>
/// The framed dialect, client side: up to <c>window</c> requests in flight, replies read and
/// verified in order.
/// </summary>
internal sealed class FramedExchange
{
    // Below the smallest socket buffers a Linux peer starts with (rmem 128 KiB): see ExchangeAsync.
    private const int MaxBytesInFlight = 64 * 1024;

    private readonly ClientConnection _connection;
    private readonly FramedCodec _codec;

    public FramedExchange(ClientConnection connection, FramedCodec codec)
    {
        _connection = connection;
        _codec = codec;
    }

    /// <summary>Sends <c>HELLO</c> offering the versions this client speaks.</summary>
    public async Task SendHelloAsync(CancellationToken cancellationToken)
    {
        FramedCodec.WriteHello(_connection.Writer, [FramedSyntax.CurrentVersion]);
        await _connection.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Reads the server's framed answer to a greeting; returns the line and the version agreed. A refusal
    /// (<c>ERR 503</c> when the server is full) is handed to <paramref name="refused"/> before it ends the connection.
    /// </summary>
    public async Task<(string Line, int Version)> ReadWelcomeAsync(Action<ProtocolError> refused, CancellationToken cancellationToken)
    {
        (ServerMessage reply, string line) = await _connection.ReadMessageAsync<(ServerMessage, string)>(ParseWithLine, "greeting", cancellationToken);
        if (reply.Kind == ServerMessageKind.Error)
        {
            refused(reply.Error);
            throw new ExchangeFailedException(
                ClientExitCodes.Refused, $"the server refused the greeting: {reply.Error}", retryable: ServerErrors.IsTransient(reply.Error.Code))
            {
                CloseReason = reply.Error.Code == ErrorCode.ServerBusy ? CloseReason.ServerBusy : CloseReason.ProtocolError,
            };
        }

        return reply.Kind == ServerMessageKind.Welcome && reply.Version is >= FramedSyntax.OldestVersion and <= FramedSyntax.CurrentVersion
            ? (line, reply.Version)
            : throw ExchangeFailedException.Transient(ClientExitCodes.ProtocolError, $"unexpected greeting from the server: '{line}'");
    }

    /// <summary>
    /// Sends every request from index <paramref name="first"/> on, with up to <paramref name="window"/>
    /// in flight, and verifies every reply in order. One loop does both: it tops the window up in one
    /// write and one flush, waits for a reply, then takes every reply already buffered before topping
    /// up again, so requests and replies travel in batches and no thread hands work to another.
    /// </summary>
    public async Task ExchangeAsync(RequestSequence requests, long first, int window, ReplyVerifier verifier, CancellationToken cancellationToken)
    {
        // Requests in flight are also bounded in bytes: with both directions' socket buffers larger than
        // this, a batch can always be written while the server's replies wait unread, so the two sides
        // can never block each other (which huge numbers in a huge window otherwise could).
        int perRequest = requests.MaxDigits() + 2;
        long inFlightLimit = Math.Max(1, Math.Min(window, MaxBytesInFlight / perRequest));
        long next = first;
        long index = first;
        while (index < requests.Count)
        {
            if (next < requests.Count && next - index < inFlightLimit)
            {
                do
                {
                    FramedCodec.WriteNumber(_connection.Writer, requests[next++]);
                }
                while (next < requests.Count && next - index < inFlightLimit);

                await _connection.FlushAsync(cancellationToken);
            }

            // Every reply that has arrived is taken in one pass over the buffer.
            ReadResult received = await _connection.ReadAvailableAsync("reply", cancellationToken);
            ReadOnlySequence<byte> buffer = received.Buffer;
            while (index < next && _codec.TryParseServerMessage(ref buffer, out ServerMessage reply))
            {
                verifier.Verify(index++, reply);
            }

            if (index < next)
            {
                // Stopped at an incomplete line: wait for more bytes next time.
                _connection.Reader.AdvanceTo(buffer.Start, buffer.End);
                if (received.IsCompleted)
                {
                    throw ExchangeFailedException.Transient(ClientExitCodes.ConnectionLost, $"the server closed the connection with {CountText.Of(next - index, "request", "requests")} unanswered");
                }
            }
            else
            {
                // Every request is answered; whatever follows (a goodbye) is left unexamined for the next read.
                _connection.Reader.AdvanceTo(buffer.Start);
            }
        }
    }

    /// <summary>Says <c>BYE</c> and returns the count the server confirms.</summary>
    public async Task<long> SayGoodbyeAsync(CancellationToken cancellationToken)
    {
        FramedCodec.WriteClientGoodbye(_connection.Writer);
        await _connection.FlushAsync(cancellationToken);
        ServerMessage reply = await _connection.ReadMessageAsync<ServerMessage>(_codec.TryParseServerMessage, "goodbye", cancellationToken);
        return reply.Kind == ServerMessageKind.Goodbye
            ? reply.Count
            : throw new ExchangeFailedException(ClientExitCodes.ProtocolError, $"the server answered BYE with {reply.Kind} instead of BYE <count>");
    }

    // Parses one server line and keeps its text, for printing the greeting exactly as it arrived.
    private bool ParseWithLine(ref ReadOnlySequence<byte> buffer, out (ServerMessage Reply, string Line) message)
    {
        ReadOnlySequence<byte> peek = buffer;
        LineStatus status = LineFramer.TryReadLine(ref peek, _codec.Limits.MaxReplyLineLength, out ReadOnlySequence<byte> line);
        if (!_codec.TryParseServerMessage(ref buffer, out ServerMessage reply))
        {
            message = default;
            return false;
        }

        message = (reply, status == LineStatus.Complete ? WireWriter.ReadPrintable(line.ToArray()) : "(a line over the length limit)");
        return true;
    }
}
