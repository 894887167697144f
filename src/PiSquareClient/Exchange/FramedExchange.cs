using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
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

    // Set once the exchange reads the socket directly; the goodbye is read from it too.
    private ReplyReceiver? _receiver;

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
    /// in flight, and verifies every reply in order. One loop does both, as a C client does: it tops the
    /// window up with one send of a whole batch, reads whatever has arrived with one receive into a
    /// contiguous buffer, verifies every complete reply straight from that span, and repeats.
    /// </summary>
    public async Task ExchangeAsync(RequestSequence requests, long first, int window, ReplyVerifier verifier, CancellationToken cancellationToken)
    {
        // Requests in flight are also bounded in bytes: with both directions' socket buffers larger than
        // this, a batch can always be written while the server's replies wait unread, so the two sides
        // can never block each other (which huge numbers in a huge window otherwise could).
        int perRequest = requests.MaxDigits() + 2;
        long inFlightLimit = Math.Max(1, Math.Min(window, MaxBytesInFlight / perRequest));
        byte[] outgoing = new byte[checked((int)inFlightLimit * perRequest)];
        ReplyReceiver receiver = _receiver = _connection.TakeOverReceiving(_codec.Limits.MaxReplyLineLength);
        long next = first;
        long index = first;
        while (index < requests.Count)
        {
            if (next < requests.Count && next - index < inFlightLimit)
            {
                int length = FormatRequests(outgoing, requests, ref next, Math.Min(requests.Count, index + inFlightLimit));
                await _connection.SendAsync(outgoing.AsMemory(0, length), cancellationToken);
            }

            if (receiver.Unread.IndexOf((byte)'\n') < 0)
            {
                await receiver.ReceiveAsync(_connection, "reply", cancellationToken);
            }

            index = VerifyReplies(receiver, index, next, verifier);
            verifier.ReportVerified(); // Once per batch of replies received, not once per square.
        }
    }

    /// <summary>Says <c>BYE</c> and returns the count the server confirms.</summary>
    public async Task<long> SayGoodbyeAsync(CancellationToken cancellationToken)
    {
        FramedCodec.WriteClientGoodbye(_connection.Writer);
        await _connection.FlushAsync(cancellationToken);
        ServerMessage reply = _receiver is null
            ? await _connection.ReadMessageAsync<ServerMessage>(_codec.TryParseServerMessage, "goodbye", cancellationToken)
            : await ReadFromReceiverAsync(_receiver, "goodbye", cancellationToken);
        return reply.Kind == ServerMessageKind.Goodbye
            ? reply.Count
            : throw new ExchangeFailedException(ClientExitCodes.ProtocolError, $"the server answered BYE with {reply.Kind} instead of BYE <count>");
    }

    // Formats requests [next, until) into one buffer for one send; returns the bytes written.
    // This loop and VerifyReplies run for every square of a run: compiled fully optimized at their first
    // call, instead of being compiled, instrumented and compiled again in the middle of the run.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FormatRequests(byte[] outgoing, RequestSequence requests, ref long next, long until)
    {
        Span<byte> span = outgoing;
        int length = 0;
        bool small = requests.FitsInInt64;
        for (; next < until; next++)
        {
            int written;
            bool formatted = small
                ? requests.Int64At(next).TryFormat(span[length..], out written, default, CultureInfo.InvariantCulture)
                : requests[next].TryFormat(span[length..], out written);
            if (!formatted || length + written >= span.Length)
            {
                throw new InvalidOperationException("A request is longer than its sequence's MaxDigits promised.");
            }

            length += written;
            span[length++] = (byte)'\n';
        }

        return length;
    }

    // Verifies every complete reply at the front of the receiver, up to the requests sent; returns the
    // index of the first request still unanswered. Squares take the fast path; anything else (and a
    // line too long) goes through the codec's general parser, which decides exactly as it always has.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long VerifyReplies(ReplyReceiver receiver, long index, long next, ReplyVerifier verifier)
    {
        ReadOnlySpan<byte> unread = receiver.Unread;
        int consumed = 0;
        while (index < next)
        {
            int line = verifier.TryVerifySquare(index, unread[consumed..]);
            if (line > 0)
            {
                index++;
                consumed += line;
                continue;
            }

            receiver.Consume(consumed);
            ReadOnlySequence<byte> buffer = receiver.UnreadSequence;
            if (!_codec.TryParseServerMessage(ref buffer, out ServerMessage reply))
            {
                return index; // An incomplete line: wait for more bytes.
            }

            receiver.ConsumeTo(buffer.Start);
            verifier.Verify(index++, reply);
            unread = receiver.Unread;
            consumed = 0;
        }

        receiver.Consume(consumed);
        return index;
    }

    private async ValueTask<ServerMessage> ReadFromReceiverAsync(ReplyReceiver receiver, string waitingFor, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadOnlySequence<byte> buffer = receiver.UnreadSequence;
            if (_codec.TryParseServerMessage(ref buffer, out ServerMessage reply))
            {
                receiver.ConsumeTo(buffer.Start);
                return reply;
            }

            await receiver.ReceiveAsync(_connection, waitingFor, cancellationToken);
        }
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
