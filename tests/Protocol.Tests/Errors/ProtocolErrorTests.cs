using IotSquares.Protocol.Errors;

namespace IotSquares.Protocol.Tests.Errors;

/// <summary>The error table of docs/PROTOCOL.md, written out here by hand: code, text, and whether it closes.</summary>
public sealed class ProtocolErrorTests
{
    public static TheoryData<ErrorCode, string, bool> Table => new()
    {
        { ErrorCode.NotAnInteger, "ERR 400 not an integer", false },
        { ErrorCode.EmptyRequest, "ERR 401 empty request", false },
        { ErrorCode.TooManyDigits, "ERR 402 too many digits", false },
        { ErrorCode.InvalidCharacters, "ERR 403 invalid characters", false },
        { ErrorCode.AlreadyGreeted, "ERR 404 already greeted", false },
        { ErrorCode.InternalError, "ERR 500 internal error", true },
        { ErrorCode.LineTooLong, "ERR 501 line too long", true },
        { ErrorCode.HandshakeRequired, "ERR 502 handshake required", true },
        { ErrorCode.ServerBusy, "ERR 503 server busy", true },
        { ErrorCode.TimedOut, "ERR 504 timed out", true },
        { ErrorCode.VersionNotSupported, "ERR 505 version not supported", true },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Each_error_has_the_documented_text_and_knows_whether_it_closes(ErrorCode code, string line, bool closes)
    {
        ProtocolError error = ProtocolError.For(code);

        Assert.Equal(line, error.ToString());
        Assert.Equal(closes, error.ClosesConnection);
    }

    [Fact]
    public void Every_code_is_in_the_documented_table()
    {
        ErrorCode[] documented = [.. Table.Select(row => (ErrorCode)row[0])];

        Assert.Equal(documented.Order(), Enum.GetValues<ErrorCode>().Where(c => c != ErrorCode.None).Order());
    }

    [Fact]
    public void An_unknown_code_is_described_by_its_number()
    {
        Assert.Equal("error 999", ProtocolError.Describe((ErrorCode)999));
    }
}
