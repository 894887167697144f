using IotSquares.Indicators.Rendering;
using IotSquares.Indicators.State;
using IotSquares.Protocol.Events;

namespace IotSquares.Indicators.Configuration;

/// <summary>The running indicators of one program: register <see cref="Observer"/>, dispose at the end.</summary>
public sealed class RunningIndicators : IAsyncDisposable
{
    private readonly IndicatorRenderer? _renderer;
    private readonly IDisposable? _panel;

    internal RunningIndicators(IndicatorStateStore store, IndicatorRenderer? renderer, HardwareBackend backend, IDisposable? panel = null)
    {
        Store = store;
        _renderer = renderer;
        Backend = backend;
        _panel = panel;
    }

    /// <summary>
    /// The observer that feeds the indicators (a short lock per event, no allocation per square); with no
    /// indicators at all, an observer that does nothing, so the exchange pays nothing for them.
    /// </summary>
    public IExchangeObserver Observer => _renderer is null ? Nothing.Instance : Store;

    /// <summary>The state shown.</summary>
    public IndicatorStateStore Store { get; }

    /// <summary>The backend in use.</summary>
    public HardwareBackend Backend { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_renderer is not null)
        {
            await _renderer.DisposeAsync().ConfigureAwait(false);
        }

        // After the renderer's last frame: the terminal panel is left showing the final state.
        _panel?.Dispose();

        Store.Dispose();
    }

    private sealed class Nothing : IExchangeObserver
    {
        public static readonly Nothing Instance = new();
    }
}
