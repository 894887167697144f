using IotSquares.Soak.Load;
using IotSquares.Soak.Monitoring;

namespace IotSquares.Soak.Reporting;

/// <summary>Takes the rows of the table: sums the client loops' totals and reads the server from /proc.</summary>
internal sealed class Sampler
{
    private readonly IReadOnlyList<ClientStats> _clients;
    private readonly int? _serverPid;
    private ProcessSnapshot? _lastServer;
    private ProcessSnapshot? _lastSelf;
    private double _lastSeconds;
    private long _lastVerified;

    /// <summary>Creates the sampler; without <paramref name="serverPid"/> the server columns stay empty.</summary>
    public Sampler(IReadOnlyList<ClientStats> clients, int? serverPid)
    {
        _clients = clients;
        _serverPid = serverPid;
    }

    /// <summary>The server's first snapshot, for its CPU over the whole run.</summary>
    public ProcessSnapshot? FirstServer { get; private set; }

    /// <summary>The server's last snapshot.</summary>
    public ProcessSnapshot? LastServer => _lastServer;

    /// <summary>Takes the row for <paramref name="elapsed"/>.</summary>
    public SoakSample Take(TimeSpan elapsed)
    {
        long exchanges = 0, verified = 0, errors = 0;
        foreach (ClientStats client in _clients)
        {
            exchanges += client.Exchanges;
            verified += client.SquaresVerified;
            errors += client.Errors;
        }

        double seconds = elapsed.TotalSeconds;
        var interval = TimeSpan.FromSeconds(seconds - _lastSeconds);
        double rate = interval > TimeSpan.Zero ? (verified - _lastVerified) / interval.TotalSeconds : 0;

        ProcessSnapshot? server = _serverPid is int pid ? ProcessSnapshot.Read(pid) : null;
        ProcessSnapshot? self = ProcessSnapshot.Read(Environment.ProcessId);
        double? serverCpu = server is not null && _lastServer is not null ? server.CpuPercentSince(_lastServer, interval) : null;
        double? selfCpu = self is not null && _lastSelf is not null ? self.CpuPercentSince(_lastSelf, interval) : null;

        FirstServer ??= server;
        _lastServer = server ?? _lastServer;
        _lastSelf = self ?? _lastSelf;
        _lastSeconds = seconds;
        _lastVerified = verified;
        return new SoakSample(seconds, exchanges, verified, rate, errors, server?.RssMegabytes, serverCpu, server?.Threads, server?.OpenFiles, selfCpu);
    }
}
