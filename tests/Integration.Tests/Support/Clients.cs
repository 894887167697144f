using IotSquares.Client;
using IotSquares.Client.Exchange;

namespace IotSquares.Integration.Tests.Support;

/// <summary>Runs our real client (the same class the CLI uses) against a port on 127.0.0.1.</summary>
public static class Clients
{
    public static async Task<(ExchangeResult Result, RecordingObserver Events)> RunAsync(
        int port, Func<ClientOptions, ClientOptions>? configure = null, RecordingObserver? events = null)
    {
        var options = new ClientOptions { Host = "127.0.0.1", Port = port, ReceiveTimeout = TimeSpan.FromSeconds(20) };
        options = configure?.Invoke(options) ?? options;
        events ??= new RecordingObserver();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        ExchangeResult result = await new SquaresClient(options, [events]).RunAsync(timeout.Token);
        return (result, events);
    }
}
