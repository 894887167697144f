using System.Net;
using IotSquares.Protocol.Events;
using IotSquares.Server.Hosting;
using IotSquares.Server.Listening;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IotSquares.Integration.Tests.Support;

/// <summary>
/// Our real server, in this process, on 127.0.0.1 and a free port, with a recording observer.
/// Settings are passed the way the command line passes them.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestServer(IHost host, RecordingObserver events, int port)
    {
        _host = host;
        Events = events;
        Port = port;
    }

    public RecordingObserver Events { get; }

    public int Port { get; }

    public static Task<TestServer> StartAsync(params (string Key, string Value)[] settings) => StartAsync(static _ => { }, settings);

    /// <summary>Starts the server after <paramref name="configure"/> has added services or logging of its own.</summary>
    public static async Task<TestServer> StartAsync(Action<HostApplicationBuilder> configure, params (string Key, string Value)[] settings)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Server:Port"] = "0",
            ["Server:Bind"] = "127.0.0.1",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach ((string key, string value) in settings)
        {
            overrides["Server:" + key] = value;
        }

        var events = new RecordingObserver();
        var builder = ServerHost.CreateBuilder(overrides);
        builder.Services.AddSingleton<IExchangeObserver>(events);
        configure(builder);
        IHost host = builder.Build();
        await host.StartAsync();
        IReadOnlyList<IPEndPoint> bound = await host.Services.GetRequiredService<ServerEndpoints>().Bound;
        return new TestServer(host, events, bound[0].Port);
    }

    /// <summary>Stops the server the way SIGTERM does: graceful, with goodbyes.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _host.StopAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
