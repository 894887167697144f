using IotSquares.Protocol.Errors;

namespace IotSquares.Client.Exchange;

/// <summary>Which of the server's errors are worth a new connection.</summary>
internal static class ServerErrors
{
    /// <summary>
    /// Busy (503), timed out (504) and internal error (500) can pass; a line too long (501), a
    /// greeting it does not understand (502) or a version it does not speak (505) will be the same next time.
    /// </summary>
    public static bool IsTransient(ErrorCode code) =>
        code is ErrorCode.ServerBusy or ErrorCode.TimedOut or ErrorCode.InternalError;
}
