namespace IotSquares.TestKit;

/// <summary>
/// The one way the tests and tools start a server program and learn that it is ready: it is given a free
/// loopback port and a notification socket of the caller's (<c>NOTIFY_SOCKET</c>, as systemd would), and it
/// is ready when it says <c>READY=1</c> there, never when a log line appears. A port taken by another
/// process between the choice and the bind (exit 69) is retried with another one.
/// </summary>
public static class ReadyServer
{
    /// <summary>The server's exit code when it cannot listen (EX_UNAVAILABLE).</summary>
    public const int CannotListen = 69;

    private const int PortAttempts = 5;

    /// <summary>
    /// Starts a server with <paramref name="launch"/> (given the port and the notification socket, which the
    /// server then owns) and waits, up to <paramref name="readyTimeout"/> (default a minute), for <c>READY=1</c>.
    /// </summary>
    /// <param name="launch">Starts the program with <c>--port</c> and <c>NOTIFY_SOCKET</c>.</param>
    /// <param name="port">A port to use; without it a free one is chosen.</param>
    /// <param name="retryWhileTaken">
    /// With <paramref name="port"/>: wait (bounded) for that very port to be free again, for a restart on the port a client keeps
    /// calling. A test of an immediate restart passes false, so that a port still held is its failure, not a wait.
    /// </param>
    /// <param name="readyTimeout">How long one start may take.</param>
    /// <exception cref="InvalidOperationException">The server exited before it was ready; the message has its output.</exception>
    /// <exception cref="TimeoutException">It was neither ready nor gone in time (it is killed).</exception>
    public static async Task<T> StartAsync<T>(Func<int, NotifyListener, T> launch, int? port = null, bool retryWhileTaken = true, TimeSpan? readyTimeout = null)
        where T : IServerChild
    {
        ArgumentNullException.ThrowIfNull(launch);
        int attempts = port is null ? PortAttempts : retryWhileTaken ? PortAttempts * 10 : 1;
        for (int attempt = 1; ; attempt++)
        {
            NotifyListener notify = NotifyListener.Bind();
            T server;
            try
            {
                server = launch(port ?? FreePort.OnLoopback(), notify);
            }
            catch
            {
                notify.Dispose();
                throw;
            }

            Task ready = notify.WaitForAsync("READY=1", readyTimeout ?? TimeSpan.FromMinutes(1));
            Task<int> exited = server.WaitForExitAsync();
            if (await Task.WhenAny(ready, exited) == ready)
            {
                if (ready.IsCompletedSuccessfully)
                {
                    return server;
                }

                await server.DisposeAsync(); // Neither ready nor gone in time: kill it, then say why.
                await ready;
            }

            int exitCode = await exited;
            string output = server.Describe();
            await server.DisposeAsync();
            if (exitCode != CannotListen || attempt >= attempts)
            {
                throw new InvalidOperationException($"the server exited ({exitCode}) before it was ready:\n{output}");
            }

            if (port is not null)
            {
                await Task.Delay(100); // Polling for the port to be released, bounded by the attempts.
            }
        }
    }
}

/// <summary>A server program in a child process, as <see cref="ReadyServer"/> starts it.</summary>
public interface IServerChild : IAsyncDisposable
{
    /// <summary>Completes with the exit code once the process has exited (and its output has been read).</summary>
    Task<int> WaitForExitAsync();

    /// <summary>What it printed, for the message when it exits before it is ready.</summary>
    string Describe();
}
