namespace IotSquares.Transport;

/// <summary>
/// How .NET's socket engine runs the code that follows a completed socket operation, chosen once per
/// process before the first socket is used.
/// </summary>
public static class SocketEngine
{
    /// <summary>The runtime's switch; read once, when the first asynchronous socket operation starts the engine.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Runs socket continuations on the engine's event threads (one per core) instead of handing each one
    /// to the thread pool. Each request here costs well under a microsecond, so the hand-off (a wake-up of a
    /// pool thread, a context switch) was most of the time of a pipelined batch or a lockstep round trip on a
    /// small machine: what Kestrel's <c>UnsafePreferInlineScheduling</c> trades for, and safe here because
    /// nothing on a connection loop blocks (observers that may are behind <c>QueuedExchangeObserver</c>,
    /// the spin is bounded). Call first thing in <c>Main</c>; a value already set in the environment wins,
    /// so <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0</c> turns it off.
    /// </summary>
    public static void PreferInlineCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
    }
}
