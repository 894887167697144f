using System.Globalization;
using System.Numerics;
using IotSquares.Protocol.Errors;
using IotSquares.Protocol.Events;
using IotSquares.Protocol.Framed;
using IotSquares.Protocol.Numbers;
using IotSquares.Protocol.Sessions;
using IotSquares.Protocol.Tests.Support;

namespace IotSquares.Protocol.Tests.Sessions;

/// <summary>Bad requests and bad greetings: the reply each gets, and whether the connection goes on.</summary>
public class FramedServerSessionErrorTests : FramedServerSessionTestBase
{
    [Theory]
    [InlineData("abc", "ERR 400 not an integer\n")]
    [InlineData("12a", "ERR 400 not an integer\n")]
    [InlineData("-", "ERR 400 not an integer\n")]
    [InlineData(" 5", "ERR 400 not an integer\n")]
    [InlineData("", "ERR 401 empty request\n")]
    [InlineData("\r", "ERR 401 empty request\n")]
    [InlineData("\u0000", "ERR 403 invalid characters\n")]
    [InlineData("\u00FF", "ERR 403 invalid characters\n")]
    [InlineData("\u00C3\u0028", "ERR 403 invalid characters\n")]
    [InlineData("\t", "ERR 403 invalid characters\n")]
    [InlineData("HELLO squares/1", "ERR 404 already greeted\n")]
    [InlineData("HELLO squares/9", "ERR 404 already greeted\n")]
    public void A_bad_request_is_rejected_with_4xx_and_the_connection_goes_on(string line, string reply)
    {
        SessionDriver driver = Greeted();

        Assert.Equal(SessionStatus.Open, driver.Receive(line + "\n"));
        Assert.Equal(reply, driver.TakeOutput());

        Assert.Equal(SessionStatus.Open, driver.Receive("3\n"));
        Assert.Equal("9\n", driver.TakeOutput());

        var code = (ErrorCode)int.Parse(reply.AsSpan(4, 3), CultureInfo.InvariantCulture);
        Assert.Equal(
            [new Rejected(Connection, ProtocolError.For(code)), new Served(Connection, 3, 9, 1)],
            Observer.Events.Skip(2));
    }

    [Fact]
    public void Max_digits_is_accepted_and_one_more_is_402_and_the_connection_goes_on()
    {
        SessionDriver driver = Greeted(new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 });
        string atLimit = TestNumbers.Digits(100);

        Assert.Equal(SessionStatus.Open, driver.Receive("-" + atLimit + "\n" + TestNumbers.Digits(101) + "\n2\n"));
        Assert.Equal(TestNumbers.SquareOf(atLimit) + "\nERR 402 too many digits\n4\n", driver.Output);
    }

    [Fact]
    public void A_line_of_max_line_length_is_answered_and_one_byte_more_is_501_and_closes()
    {
        SessionDriver driver = Greeted(new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 });

        Assert.Equal(SessionStatus.Open, driver.Receive(TestNumbers.Digits(128) + "\r\n"));
        Assert.Equal("ERR 402 too many digits\n", driver.TakeOutput());

        SessionStatus status = driver.Receive(TestNumbers.Digits(129) + "\n");
        Assert.Equal(SessionStatus.Close(CloseReason.ProtocolError), status);
        Assert.Equal("ERR 501 line too long\n", driver.TakeOutput());
        Assert.Equal(new Rejected(Connection, ProtocolError.For(ErrorCode.LineTooLong)), Observer.Events[^1]);
    }

    [Fact]
    public void A_line_too_long_closes_even_before_its_line_feed_arrives()
    {
        SessionDriver driver = Greeted(new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 });

        SessionStatus status = driver.Receive(new string('9', 200));

        Assert.True(status.IsClosing);
        Assert.Equal("ERR 501 line too long\n", driver.Output);
    }

    [Theory]
    [InlineData("5\n", "ERR 502 handshake required\n")]
    [InlineData("BYE\n", "ERR 502 handshake required\n")]
    [InlineData("\n", "ERR 502 handshake required\n")]
    [InlineData("abc\n", "ERR 502 handshake required\n")]
    [InlineData("HELLO foo\n", "ERR 502 handshake required\n")]
    [InlineData("HELLO squares/\n", "ERR 502 handshake required\n")]
    [InlineData("HELLO squares/9\n", "ERR 505 version not supported; this server speaks squares/1\n")]
    [InlineData("HELLO squares/2,3\n", "ERR 505 version not supported; this server speaks squares/1\n")]
    public void A_bad_greeting_is_a_5xx_and_closes(string firstLine, string reply)
    {
        SessionDriver driver = NewDriver();

        SessionStatus status = driver.Receive(firstLine + "5\n");

        Assert.Equal(SessionStatus.Close(CloseReason.ProtocolError), status);
        Assert.Equal(reply, driver.Output);
        Assert.False(driver.Session.IsHandshakeComplete);
        Rejected rejected = Assert.IsType<Rejected>(Assert.Single(Observer.Events));
        Assert.Equal(reply[4..^1], rejected.Error.ToString()[4..]);
        Assert.True(rejected.Error.ClosesConnection);
    }

    [Fact]
    public void A_first_line_too_long_is_501_not_502()
    {
        SessionDriver driver = NewDriver(new ProtocolLimits { MaxDigits = 100, MaxLineLength = 128 });

        SessionStatus status = driver.Receive("HELLO squares/1 " + new string('x', 200) + "\n");

        Assert.Equal(SessionStatus.Close(CloseReason.ProtocolError), status);
        Assert.Equal("ERR 501 line too long\n", driver.Output);
    }
}
