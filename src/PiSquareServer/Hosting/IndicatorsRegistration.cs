using IotSquares.Indicators.Configuration;
using IotSquares.Indicators.State;
using IotSquares.Protocol.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IotSquares.Server.Hosting;

/// <summary>
/// Plugs the LEDs and the display (src/Indicators) into the server: the <c>Hardware</c> section checked at
/// start-up (exit 78 with every reason), the indicators' observer beside the log's, and their loops
/// stopped after the connections are drained so the display keeps the final state.
/// </summary>
internal static class IndicatorsRegistration
{
    /// <summary>Registers the indicators; call before the server's own hosted service.</summary>
    public static void AddIndicators(this HostApplicationBuilder builder)
    {
        (HardwareOptions options, IReadOnlyList<string> failures) = HardwareSettingsReader.Read(builder.Configuration);
        builder.Services.AddOptions<HardwareSettings>()
            .Configure(s => (s.Options, s.Failures) = (options, failures))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HardwareSettings>, HardwareSettingsValidator>();
        builder.Services.AddSingleton<IndicatorsService>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<IndicatorsService>());
        // Registered directly: the store's calls are a short lock and a snapshot swap, nothing that waits on hardware.
        builder.Services.AddSingleton<IExchangeObserver>(provider => provider.GetRequiredService<IndicatorsService>().Observer);
    }

    /// <summary>The parsed section and its failures, as an options type so that the host validates it on start.</summary>
    internal sealed class HardwareSettings
    {
        public HardwareOptions Options { get; set; } = new();

        public IReadOnlyList<string> Failures { get; set; } = [];
    }

    private sealed class HardwareSettingsValidator : IValidateOptions<HardwareSettings>
    {
        public ValidateOptionsResult Validate(string? name, HardwareSettings options) =>
            options.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(options.Failures);
    }

    /// <summary>Owns the running indicators for the host's lifetime.</summary>
    internal sealed class IndicatorsService(IOptions<HardwareSettings> settings, TimeProvider time, ILogger<IndicatorsService> logger)
        : IHostedService, IAsyncDisposable
    {
        private RunningIndicators? _running;

        public IExchangeObserver Observer => Running.Observer;

        private RunningIndicators Running => _running ??=
            IndicatorsSetup.Start(IndicatorRole.Server, "", settings.Value.Options, time, logger);

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = Running;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

        public async ValueTask DisposeAsync()
        {
            if (_running is { } running)
            {
                _running = null;
                await running.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
