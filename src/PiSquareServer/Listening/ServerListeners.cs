using System.Net;
using System.Net.Sockets;
using IotSquares.Server.Options;
using Microsoft.Extensions.Options;

namespace IotSquares.Server.Listening;

/// <summary>
/// The listening sockets, opened once: by the command line before the host starts (so that a port
/// in use is one clear line and exit 69), or else by the service as it starts (tests, embedding).
/// </summary>
public sealed class ServerListeners : IDisposable
{
    private readonly ServerOptions _options;
    private readonly ServerEndpoints _endpoints;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<Socket>? _sockets;

    /// <summary>Creates the set; nothing is bound until <see cref="OpenAsync"/>.</summary>
    public ServerListeners(IOptions<ServerOptions> options, ServerEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _endpoints = endpoints;
    }

    /// <summary>The open sockets; empty before <see cref="OpenAsync"/>.</summary>
    public IReadOnlyList<Socket> Sockets => _sockets ?? [];

    /// <summary>
    /// Binds every address of the <c>Bind</c> setting on the port, once (or takes the sockets systemd passed,
    /// see <see cref="SocketActivation"/>); later calls return at once.
    /// </summary>
    /// <exception cref="ListenFailedException">The port is taken, or the address cannot be bound.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_sockets is not null)
            {
                return;
            }

            try
            {
                // Started by a .socket unit: serve on systemd's socket; its ListenStream= decides address and port.
                _sockets = SocketActivation.TakeListeners();
                if (_sockets is null)
                {
                    IReadOnlyList<IPAddress> addresses = await ListenAddresses.ResolveAsync(_options.Bind, cancellationToken).ConfigureAwait(false);
                    _sockets = ListenerFactory.Open(addresses, _options.Port);
                }
            }
            catch (SocketException ex)
            {
                // Whoever waits on the endpoints gets the socket error; the caller gets it with a message.
                _endpoints.SetFailed(ex);
                throw new ListenFailedException(_options.Bind, _options.Port, ex);
            }

            _endpoints.SetBound([.. _sockets.Select(s => (IPEndPoint)s.LocalEndPoint!)]);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the listening sockets: no new client gets in. Connections already accepted are not touched.</summary>
    public void Dispose()
    {
        foreach (Socket socket in Sockets)
        {
            socket.Dispose();
        }

        _gate.Dispose();
    }
}
