using IotSquares.CommandLine;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Client.Exchange;

/// <summary>
/// Checks each reply against the square the client computes itself, in order, so no square is
/// skipped, duplicated or wrong without the run saying so.
/// </summary>
internal sealed class ReplyVerifier
{
    private readonly RequestSequence _requests;
    private readonly ConnectionInfo _connection;
    private readonly IExchangeObserver _observer;
    private readonly ExchangeTally _tally;

    public ReplyVerifier(RequestSequence requests, ConnectionInfo connection, IExchangeObserver observer, ExchangeTally tally)
    {
        _requests = requests;
        _connection = connection;
        _observer = observer;
        _tally = tally;
    }

    /// <summary>Squares verified on this verifier's connection: the events' count, and what the server's goodbye must count.</summary>
    public long VerifiedHere { get; private set; }

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
                VerifiedHere++;
                _observer.SquareServed(_connection, value, reply.Square, VerifiedHere);
                return;

            case ServerMessageKind.Error:
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
}
