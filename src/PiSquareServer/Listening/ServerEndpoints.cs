using System.Net;

namespace IotSquares.Server.Listening;

/// <summary>
/// Where the server is listening, known once its sockets are bound. Tests and tools use it to find
/// a server started on port 0; it is also the moment the service is ready for systemd.
/// </summary>
public sealed class ServerEndpoints
{
    private readonly TaskCompletionSource<IReadOnlyList<IPEndPoint>> _bound =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the bound endpoints when the listening sockets are open.</summary>
    public Task<IReadOnlyList<IPEndPoint>> Bound => _bound.Task;

    internal void SetBound(IReadOnlyList<IPEndPoint> endpoints) => _bound.TrySetResult(endpoints);

    internal void SetFailed(Exception error) => _bound.TrySetException(error);
}
