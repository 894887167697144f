using IotSquares.Protocol.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IotSquares.Server.Diagnostics;

/// <summary>Hidden switches for measuring the server from outside (bench/PiSquareBench); nothing here runs by default.</summary>
internal static class DiagnosticsRegistration
{
    /// <summary>The configuration key of <c>--diagnostics-slow-observer</c>: milliseconds per call of a deliberately slow observer.</summary>
    public const string SlowObserverKey = "Diagnostics:SlowObserverMilliseconds";

    /// <summary>
    /// With <see cref="SlowObserverKey"/> above 0, registers a <see cref="SlowObserver"/> behind a
    /// <see cref="QueuedExchangeObserver"/>, exactly as a display driver is meant to be plugged in, so the
    /// benchmark can show what a slow observer costs the connection loop.
    /// </summary>
    public static void AddDiagnostics(this HostApplicationBuilder builder)
    {
        int milliseconds = builder.Configuration.GetValue<int>(SlowObserverKey);
        if (milliseconds > 0)
        {
            builder.Services.AddSingleton<IExchangeObserver>(provider =>
                new QueuedExchangeObserver(new SlowObserver(TimeSpan.FromMilliseconds(milliseconds)), provider.GetRequiredService<TimeProvider>()));
        }
    }
}
