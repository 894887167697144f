using IotSquares.Protocol.Events;
using IotSquares.Protocol.Numbers;

namespace IotSquares.Protocol.Tests.Events;

public sealed class SquareBatchTests
{
    private static readonly ConnectionInfo Connection = new(7, "peer");

    [Fact]
    public void A_batch_is_one_event_with_the_latest_square_and_the_running_count()
    {
        var observer = new Squares();
        var batch = new SquareBatch(Connection);

        batch.Add(new ProtocolInteger(2), new ProtocolInteger(4));
        batch.Add(new ProtocolInteger(3), new ProtocolInteger(9));
        batch.Report(observer);
        batch.Add(new ProtocolInteger(10), new ProtocolInteger(100), squares: 5);
        batch.Report(observer);

        Assert.Equal([(7L, "3", "9", 2L), (7L, "10", "100", 7L)], observer.Events);
        Assert.Equal(7, batch.Count);
    }

    [Fact]
    public void Nothing_is_reported_before_a_square_nor_twice_for_the_same_squares()
    {
        var observer = new Squares();
        var batch = new SquareBatch(Connection);

        batch.Report(observer);
        batch.Add(new ProtocolInteger(-4), new ProtocolInteger(16));
        batch.Report(observer);
        batch.Report(observer);

        Assert.Equal([(7L, "-4", "16", 1L)], observer.Events);
    }

    private sealed class Squares : IExchangeObserver
    {
        public List<(long Id, string Value, string Square, long Count)> Events { get; } = [];

        public void SquareServed(ConnectionInfo connection, in ProtocolInteger value, in ProtocolInteger square, long count) =>
            Events.Add((connection.Id, value.ToString(), square.ToString(), count));
    }
}
