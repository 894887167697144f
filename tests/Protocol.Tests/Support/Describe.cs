using System.Globalization;
using IotSquares.Protocol.Framed;

namespace IotSquares.Protocol.Tests.Support;

/// <summary>Turns parsed messages into comparable text, so that two parses can be compared field by field.</summary>
internal static class Describe
{
    public static string Client(ClientMessage message) => message.Kind switch
    {
        ClientMessageKind.Number => "Number " + message.Number.ToString(),
        ClientMessageKind.Hello => message.OfferedVersions is null
            ? "Hello malformed"
            : "Hello " + string.Join(",", message.OfferedVersions.Select(static v => v.ToString(CultureInfo.InvariantCulture))),
        ClientMessageKind.Goodbye => "Goodbye",
        ClientMessageKind.Invalid => "Invalid " + ((int)message.Error).ToString(CultureInfo.InvariantCulture),
        _ => "Unknown kind " + message.Kind,
    };

    public static string Server(ServerMessage message) => message.Kind switch
    {
        ServerMessageKind.Square => "Square " + message.Square.ToString(),
        ServerMessageKind.Welcome => string.Create(
            CultureInfo.InvariantCulture,
            $"Welcome {message.Version} max-digits={message.Parameters?.MaxDigits} max-line={message.Parameters?.MaxLineLength}"),
        ServerMessageKind.Error => string.Create(CultureInfo.InvariantCulture, $"Error {(int)message.Error.Code} {message.Error.Text}"),
        ServerMessageKind.Goodbye => string.Create(
            CultureInfo.InvariantCulture,
            $"Goodbye {message.Count}{(message.Text is null ? string.Empty : " reason=" + message.Text)}"),
        ServerMessageKind.Invalid => string.Create(CultureInfo.InvariantCulture, $"Invalid {(int)message.Error.Code} [{message.Text}]"),
        _ => "Unknown kind " + message.Kind,
    };
}
