using IotSquares.CommandLine;
using IotSquares.Server.Hosting;
using IotSquares.Server.Listening;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IotSquares.Server.CommandLine;

/// <summary>
/// One run of the server from its command line: settings checked, port bound, then served until
/// stopped. Every way it cannot start is one line per reason on standard error with its exit code;
/// the port is bound before the host starts, so that a failure to bind is reported once, not again
/// by the host with a stack trace.
/// </summary>
internal sealed class ServerRun
{
    private readonly string _program;
    private readonly TextWriter _error;
    private readonly List<Setting> _settings;

    public ServerRun(string program, TextWriter error, List<Setting> settings)
    {
        _program = program;
        _error = error;
        _settings = settings;
    }

    public async Task<int> RunAsync()
    {
        try
        {
            using IHost host = ServerHost.CreateBuilder(_settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

            // Every section validated on start (Server, Hardware) is checked here, before the host starts:
            // the host would otherwise log its own failure with a stack trace before we could say it in one line.
            host.Services.GetService<IStartupValidator>()?.Validate();
            ServerListeners listeners = host.Services.GetRequiredService<ServerListeners>();
            await listeners.OpenAsync(CancellationToken.None);
            await host.RunAsync();
            return ServerExitCodes.Success;
        }
        catch (OperationCanceledException)
        {
            // SIGTERM or Ctrl+C while the host was still starting (before READY=1): a stop, not a failure.
            return ServerExitCodes.Success;
        }
        catch (OptionsValidationException ex)
        {
            return await ReportInvalidAsync([ex]);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            // Several sections invalid at once: the start-up validator reports them together.
            return await ReportInvalidAsync(ex.InnerExceptions.Cast<OptionsValidationException>());
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
        {
            // The settings file named by PISQUARE_CONFIG_FILE is missing, or is not valid JSON.
            await _error.WriteLineAsync($"{_program}: invalid configuration: {ex.Message}");
            return ServerExitCodes.Configuration;
        }
        catch (InvalidOperationException ex) when (IsLoggingConfiguration(ex))
        {
            // A log level the logging configuration cannot read (appsettings.json, environment).
            await _error.WriteLineAsync(
                $"{_program}: invalid configuration: a Logging:LogLevel value is not one of Trace, Debug, Information, Warning, Error, Critical, None ({ex.Message.ReplaceLineEndings(" ").TrimEnd('.')})");
            return ServerExitCodes.Configuration;
        }
        catch (ListenFailedException ex)
        {
            await _error.WriteLineAsync($"{_program}: {ex.Message}");
            return ServerExitCodes.Unavailable;
        }
    }

    private async Task<int> ReportInvalidAsync(IEnumerable<OptionsValidationException> exceptions)
    {
        foreach (string failure in exceptions.SelectMany(e => e.Failures))
        {
            await _error.WriteLineAsync($"{_program}: invalid configuration: {NameOptions(failure)}");
        }

        return ServerExitCodes.Configuration;
    }

    // "Server:Port must be ..." about a value typed on the command line reads "--port must be ...".
    private string NameOptions(string failure) =>
        ConfigurationFailures.NameOptions(failure, [.. _settings.Select(s => (s.Key, s.Option))]);

    private static bool IsLoggingConfiguration(InvalidOperationException ex) =>
        ex.Message.StartsWith("Configuration value '", StringComparison.Ordinal) && ex.StackTrace?.Contains("Logging", StringComparison.Ordinal) == true;
}
