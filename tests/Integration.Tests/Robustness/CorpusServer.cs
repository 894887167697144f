using IotSquares.Client;
using IotSquares.Integration.Tests.Support;

namespace IotSquares.Integration.Tests.Robustness;

/// <summary>One server process for the corpus cases of a test class, warmed up in both dialects.</summary>
public sealed class CorpusServer : IAsyncLifetime
{
    private ServerProcess? _server;

    internal ServerProcess Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _server = await ServerProcess.StartAsync(Corpus.ServerOptions);
        string? framed = await CorpusRunner.ServeNormallyAsync(_server);
        Assert.Null(framed);
        var (textbook, _) = await Clients.RunAsync(_server.Port, o => o with { Count = 5, Dialect = DialectChoice.Textbook });
        Assert.True(textbook.Succeeded, textbook.Message);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
