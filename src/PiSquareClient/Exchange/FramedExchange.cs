using System.Buffers;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Framing;

namespace IotSquares.Client.Exchange;

/// <summary>
/// The framed dialect, client side: requests are written by a sender that keeps up to
/// <c>window</c> of them in flight, while replies are read and verified in order.
/// </summary>
internal sealed class FramedExchange
{
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

    /// <summary>Reads the server's framed answer to a greeting; returns the line and the version agreed.</summary>
    public async Task<(string Line, int Version)> ReadWelcomeAsync(CancellationToken cancellationToken)
    {
        (ServerMessage reply, string line) = await _connection.ReadMessageAsync<(ServerMessage, string)>(ParseWithLine, "greeting", cancellationToken);
        return reply.Kind switch
        {
            ServerMessageKind.Welcome when reply.Version is >= FramedSyntax.OldestVersion and <= FramedSyntax.CurrentVersion => (line, reply.Version),
            ServerMessageKind.Error => throw new ExchangeFailedException(
                ClientExitCodes.Refused, $"the server refused the greeting: {reply.Error}", retryable: ServerErrors.IsTransient(reply.Error.Code)),
            _ => throw ExchangeFailedException.Transient(ClientExitCodes.ProtocolError, $"unexpected greeting from the server: '{line}'"),
        };
    }

    /// <summary>Sends every request from index <paramref name="first"/> on, with up to <paramref name="window"/> in flight and verifies every reply.</summary>
    public async Task ExchangeAsync(RequestSequence requests, long first, int window, ReplyVerifier verifier, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(window, window);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task sender = SendAsync(requests, first, slots, stop, cancellationToken);
        try
        {
            for (long index = first; index < requests.Count; index++)
            {
                ServerMessage reply = await _connection.ReadMessageAsync<ServerMessage>(_codec.TryParseServerMessage, "reply", stop.Token);
                verifier.Verify(index, reply);
                slots.Release();
            }
        }
        catch (OperationCanceledException) when (sender.IsFaulted && !cancellationToken.IsCancellationRequested)
        {
            // The sender failed first and stopped the reading: its error is the one to report.
        }
        finally
        {
            await stop.CancelAsync();
            await sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (sender.IsFaulted)
        {
            await sender; // Rethrows the sender's ExchangeFailedException.
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

    private async Task SendAsync(RequestSequence requests, long first, SemaphoreSlim slots, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        try
        {
            long next = first;
            while (next < requests.Count)
            {
                await slots.WaitAsync(stop.Token);

                // Write every request the window allows, then flush once: one send for many requests.
                do
                {
                    FramedCodec.WriteNumber(_connection.Writer, requests[next++]);
                }
                while (next < requests.Count && slots.Wait(0, CancellationToken.None));

                // Flushes are never cancelled by the reader: a write cut short could leave the pipe
                // unsure what was sent. Only the wait for a free slot is interrupted.
                await _connection.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The reader finished or failed; it reports.
        }
        catch (ExchangeFailedException)
        {
            await stop.CancelAsync();
            throw;
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
