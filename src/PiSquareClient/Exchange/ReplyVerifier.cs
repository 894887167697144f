using System.Runtime.CompilerServices;
using IotSquares.CommandLine;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Client.Exchange;

/// <summary>
/// Checks each reply against the square the client computes itself, in order, so no square is
/// skipped, duplicated or wrong without the run saying so. The observers hear of the verified squares
/// once per batch (<see cref="ReportVerified"/>), as on the server; or of each one when asked to.
/// </summary>
internal sealed class ReplyVerifier
{
    private readonly RequestSequence _requests;
    private readonly ConnectionInfo _connection;
    private readonly IExchangeObserver _observer;
    private readonly ExchangeTally _tally;
    private readonly bool _reportEach;
    private readonly SquareBatch _verified;

    /// <param name="requests">The requests, by index.</param>
    /// <param name="connection">The connection the replies arrive on.</param>
    /// <param name="observer">Told of the verified squares and the replies that are not squares.</param>
    /// <param name="tally">The run's counts, updated per reply.</param>
    /// <param name="reportEach">Tell the observer of every square as it is verified (a console printing each one), not once per batch.</param>
    public ReplyVerifier(RequestSequence requests, ConnectionInfo connection, IExchangeObserver observer, ExchangeTally tally, bool reportEach = false)
    {
        _requests = requests;
        _connection = connection;
        _observer = observer;
        _tally = tally;
        _reportEach = reportEach;
        _verified = new SquareBatch(connection);
    }

    /// <summary>Squares verified on this verifier's connection: the events' count, and what the server's goodbye must count.</summary>
    public long VerifiedHere => _verified.Count;

    /// <summary>
    /// The common case without the general parser: <paramref name="unread"/> starts with the canonical
    /// decimal square of request <paramref name="index"/> (a 64-bit request whose square fits in 63 bits)
    /// and its LF. Returns the bytes of that line, or 0, having changed nothing, for anything else (another
    /// form, another value, an error, a goodbye, an incomplete line): <see cref="Verify"/> judges those.
    /// One pass finds the line's end and its value together, as a C client's loop would.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs for every square: see FramedExchange.FormatRequests
    public int TryVerifySquare(long index, ReadOnlySpan<byte> unread)
    {
        // |v| < 3,037,000,500 keeps v*v below 2^63, at most 19 digits: no overflow in the loop below.
        if (!_requests.FitsInInt64 || unread.Length < 2 || (unread[0] == (byte)'0' && unread[1] != (byte)'\n'))
        {
            return 0;
        }

        long value = _requests.Int64At(index);
        if (value is <= -3_037_000_500 or >= 3_037_000_500)
        {
            return 0;
        }

        ulong received = 0;
        int i = 0;
        int limit = Math.Min(unread.Length, 20);
        for (; i < limit; i++)
        {
            uint digit = (uint)(unread[i] - '0');
            if (digit > 9)
            {
                break;
            }

            received = (received * 10) + digit;
        }

        long square = value * value;
        if (i == 0 || i == limit || unread[i] != (byte)'\n' || received != (ulong)square)
        {
            return 0;
        }

        _tally.Verified++;
        _tally.Answered = index + 1;
        Verified(new ProtocolInteger(value), new ProtocolInteger(square));
        return i + 1;
    }

    /// <summary>
    /// Tells the observer, in one <see cref="IExchangeObserver.SquareServed"/>, of the squares verified since the
    /// last report (the latest value and square, this connection's count); nothing when there are none. Called
    /// after each batch of replies, and before any later event of the connection, keeping the order.
    /// </summary>
    public void ReportVerified() => _verified.Report(_observer);

    /// <summary>Judges the reply to request <paramref name="index"/>; throws when the exchange cannot go on.</summary>
    public void Verify(long index, in ServerMessage reply)
    {
        ProtocolInteger value = _requests[index];
        switch (reply.Kind)
        {
            case ServerMessageKind.Square:
                ProtocolInteger expected = value.Square();
                if (reply.Square != expected)
                {
                    _tally.Errors++;
                    throw new ExchangeFailedException(
                        ClientExitCodes.WrongSquare,
                        $"wrong square for {value}: expected {expected}, the server sent {reply.Square}");
                }

                _tally.Verified++;
                _tally.Answered = index + 1;
                Verified(value, reply.Square);
                return;

            case ServerMessageKind.Error:
                ReportVerified();
                _observer.RequestRejected(_connection, reply.Error);
                if (reply.Error.ClosesConnection)
                {
                    // Not an answer to this request but the end of the connection: the request stays unanswered.
                    throw new ExchangeFailedException(
                        ClientExitCodes.Refused, $"the server closed the exchange at {value}: {reply.Error}", retryable: ServerErrors.IsTransient(reply.Error.Code));
                }

                _tally.Errors++;
                _tally.Answered = index + 1;
                return;

            case ServerMessageKind.Goodbye:
                _tally.ServerCount = reply.Count;
                ReportVerified();
                _observer.GoodbyeSaid(_connection, GoodbyeInitiator.Server, reply.Count);
                throw new ExchangeFailedException(
                    ClientExitCodes.ConnectionLost,
                    $"the server said goodbye ({reply.Text ?? "no reason given"}) after {CountText.Of(reply.Count, "square", "squares")} on this connection; {value} and later were not answered",
                    retryable: true)
                {
                    CloseReason = CloseReason.ServerShutdown,
                };

            default:
                throw ExchangeFailedException.Transient(
                    ClientExitCodes.ProtocolError,
                    $"the reply to {value} is not a square: '{reply.Text}' ({ProtocolError.Describe(reply.Error.Code)})");
        }
    }

    // Counts a verified square and keeps it as the latest; the observer hears of it in the batch's report.
    private void Verified(in ProtocolInteger value, in ProtocolInteger square)
    {
        _verified.Add(value, square);
        if (_reportEach)
        {
            ReportVerified();
        }
    }
}
