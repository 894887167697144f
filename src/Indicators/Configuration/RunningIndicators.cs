using IotSquares.Indicators.Rendering;
using IotSquares.Indicators.State;
using IotSquares.Protocol.Events;

namespace IotSquares.Indicators.Configuration;

/// <summary>The running indicators of one program: register <see cref="Observer"/>, dispose at the end.</summary>
public sealed class RunningIndicators : IAsyncDisposable
{
    private readonly IndicatorRenderer _renderer;

    internal RunningIndicators(IndicatorStateStore store, IndicatorRenderer renderer, HardwareBackend backend)
    {
        Store = store;
        _renderer = renderer;
        Backend = backend;
    }

    /// <summary>The observer that feeds the indicators (cheap: a lock and a snapshot per event).</summary>
    public IExchangeObserver Observer => Store;

    /// <summary>The state shown.</summary>
    public IndicatorStateStore Store { get; }

    /// <summary>The backend in use.</summary>
    public HardwareBackend Backend { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _renderer.DisposeAsync().ConfigureAwait(false);
        Store.Dispose();
    }
}
