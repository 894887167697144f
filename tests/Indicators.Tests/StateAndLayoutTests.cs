using IotSquares.Indicators.Hd44780;
using IotSquares.Indicators.Layout;
using IotSquares.Indicators.Ssd1306;
using IotSquares.Indicators.State;
using IotSquares.Indicators.Testing;
using IotSquares.Indicators.Tests.Support;
using IotSquares.Protocol;
using IotSquares.Protocol.Events;
using Microsoft.Extensions.Time.Testing;

namespace IotSquares.Indicators.Tests;

public sealed class StateAndLayoutTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void The_stage_follows_the_handshake_from_waiting_to_goodbye()
    {
        using var store = new IndicatorStateStore(IndicatorRole.Client, "", _time);
        var stages = new List<HandshakeStage>();

        store.Connecting("127.0.0.1:50007", 1);
        stages.Add(store.Current.Stage);
        store.ConnectionOpened(Conversation.First);
        stages.Add(store.Current.Stage);
        store.HandshakeCompleted(Conversation.First, Dialect.Framed, 1);
        stages.Add(store.Current.Stage);
        Conversation.Goodbye(store, Conversation.First, 0);
        stages.Add(store.Current.Stage);

        Assert.Equal([HandshakeStage.Waiting, HandshakeStage.Greeting, HandshakeStage.Ready, HandshakeStage.Goodbye], stages);
        Assert.Equal("framed/1", store.Current.Dialect);
        Assert.Equal("127.0.0.1:50007", store.Current.Endpoint);
    }

    [Fact]
    public void The_server_counts_clients_and_squares_over_every_connection()
    {
        using var store = new IndicatorStateStore(IndicatorRole.Server, "*:50007", _time);
        var second = new ConnectionInfo(2, "127.0.0.1:40000");
        Conversation.Handshake(store, Conversation.First);
        Conversation.Handshake(store, second);
        Conversation.Squares(store, Conversation.First, 0, 5);
        Conversation.Squares(store, second, 10, 3);
        Assert.Equal(2, store.Current.Connections);

        Conversation.Goodbye(store, Conversation.First, 5);

        Assert.Equal(1, store.Current.Connections);
        Assert.Equal(HandshakeStage.Ready, store.Current.Stage);
        Assert.Equal(8, store.Current.Count);
        Assert.Equal("12", store.Current.LatestValue);
        Assert.Equal("144", store.Current.LatestSquare);
    }

    [Fact]
    public void A_coalesced_square_event_counts_every_square_it_stands_for()
    {
        using var store = new IndicatorStateStore(IndicatorRole.Server, "*:50007", _time);
        Conversation.Handshake(store, Conversation.First);

        // A coalescing queue may deliver only the latest of many squares, with the connection's count.
        store.SquareServed(Conversation.First, 3, 9, 4);
        store.SquareServed(Conversation.First, 99, 9801, 100);

        Assert.Equal(100, store.Current.Count);
    }

    [Fact]
    public void The_rate_is_squares_per_second_over_the_last_second()
    {
        using var store = new IndicatorStateStore(IndicatorRole.Client, "", _time);
        Conversation.Handshake(store, Conversation.First);
        for (int i = 0; i < 30; i++)
        {
            store.SquareServed(Conversation.First, i, i * i, i + 1);
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.InRange(store.Current.Rate, 19.0, 21.0);
    }

    [Fact]
    public void The_oled_reads_ready_with_the_dialect_and_the_square()
    {
        using var store = new IndicatorStateStore(IndicatorRole.Server, "*:50007", _time);
        Conversation.Handshake(store, Conversation.First);
        Conversation.Squares(store, Conversation.First, 0, 8);
        var chip = new Ssd1306Decoder();
        using var oled = new Ssd1306Display(new RecordingI2cDevice(m => chip.Message(m)), 128, 64);

        oled.Initialize();
        oled.Show(DisplayLayout.Lines(store.Current, oled.Columns, oled.Rows, oled.Ellipsis));

        IReadOnlyList<string> read = FrameTextReader.Lines(chip.VisibleFrame());
        Assert.Equal("SERVER *:50007", read[0]);
        Assert.Equal("READY framed/1", read[1]);
        Assert.Equal("clients 1", read[2]);
        Assert.Equal("7 -> 49", read[3]);
        Assert.Equal("count 8", read[5]);
    }

    [Fact]
    public void A_forty_digit_square_is_shortened_legibly_on_both_displays()
    {
        using var store = new IndicatorStateStore(IndicatorRole.Client, "pi1.local:50007", _time);
        Conversation.Handshake(store, Conversation.First);
        var value = System.Numerics.BigInteger.Parse("12340000000000000005678", System.Globalization.CultureInfo.InvariantCulture);
        store.SquareServed(Conversation.First, value, value * value, 1);
        var chip = new Ssd1306Decoder();
        using var oled = new Ssd1306Display(new RecordingI2cDevice(m => chip.Message(m)), 128, 64);
        var lcd = new Hd44780Decoder(16, 2);
        using var lcdDisplay = new Hd44780Display(new RecordingI2cDevice(m => lcd.Feed(m), address: 0x27), 16, 2);

        oled.Initialize();
        oled.Show(DisplayLayout.Lines(store.Current, oled.Columns, oled.Rows, oled.Ellipsis));
        lcdDisplay.Initialize();
        lcdDisplay.Show(DisplayLayout.Lines(store.Current, lcdDisplay.Columns, lcdDisplay.Rows, lcdDisplay.Ellipsis));

        IReadOnlyList<string> read = FrameTextReader.Lines(chip.VisibleFrame());
        Assert.Equal("1234…5678 (23d) ->", read[3]);
        Assert.Equal("1522…9684 (45 digits)", read[4]);
        Assert.Equal("CLIENT pi1.local:50007"[7..], read[0]);
        Assert.Equal("= 152..684 (45d)", lcd.Line(1));
    }

    [Fact]
    public void A_busy_refusal_is_one_error_and_leaves_no_client_counted()
    {
        using var store = new IndicatorStateStore(IndicatorRole.Server, "*:50007", _time);
        var refused = new ConnectionInfo(9, "127.0.0.1:40001");

        // The contract's busy refusal: opened, ERR 503, closed as busy.
        store.ConnectionOpened(refused);
        store.RequestRejected(refused, Protocol.Errors.ProtocolError.For(Protocol.Errors.ErrorCode.ServerBusy));
        store.ConnectionClosed(refused, CloseReason.ServerBusy, 0);

        Assert.Equal(1, store.Current.Errors);
        Assert.Equal(0, store.Current.Connections);
    }

    [Fact]
    public void A_lost_connection_is_an_error()
    {
        using var store = new IndicatorStateStore(IndicatorRole.Client, "", _time);
        Conversation.Handshake(store, Conversation.First);

        store.ConnectionClosed(Conversation.First, CloseReason.ConnectionLost, 3);

        Assert.Equal(1, store.Current.Errors);
        Assert.Equal(HandshakeStage.Waiting, store.Current.Stage);
    }
}
