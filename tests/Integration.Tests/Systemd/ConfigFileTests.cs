using IotSquares.Integration.Tests.Support;

namespace IotSquares.Integration.Tests.Systemd;

/// <summary>
/// PISQUARE_CONFIG_FILE: the unit's /etc/pisquare/appsettings.json, read after the file beside the
/// binary and before the PISQUARE_ variables.
/// </summary>
public sealed class ConfigFileTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"pisquare-settings-{Guid.NewGuid():N}.json");

    [Fact]
    public async Task The_named_file_is_read_and_environment_variables_win_over_it()
    {
        await File.WriteAllTextAsync(_file, """{ "Server": { "MaxDigits": 3, "MaxLineLength": 300 } }""");

        string fromFile = await WelcomeAsync(new Dictionary<string, string> { ["PISQUARE_CONFIG_FILE"] = _file });
        string fromEnvironment = await WelcomeAsync(new Dictionary<string, string>
        {
            ["PISQUARE_CONFIG_FILE"] = _file,
            ["PISQUARE_Server__MaxDigits"] = "7",
        });

        Assert.Equal("WELCOME squares/1 max-digits=3 max-line=300", fromFile);
        Assert.Equal("WELCOME squares/1 max-digits=7 max-line=300", fromEnvironment);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_missing_or_broken_file_is_exit_78_with_one_line(bool exists)
    {
        if (exists)
        {
            await File.WriteAllTextAsync(_file, "{ \"Server\": ");
        }

        await using var server = ServerProcess.Start(new Dictionary<string, string> { ["PISQUARE_CONFIG_FILE"] = _file });
        Assert.Equal(78, await server.WaitForExitCodeAsync(TimeSpan.FromSeconds(60)));
        string line = Assert.Single(server.RecentLog);
        Assert.StartsWith("PiSquareServer: invalid configuration: ", line);
        Assert.Contains(_file, line);
    }

    public void Dispose() => File.Delete(_file);

    private static async Task<string> WelcomeAsync(Dictionary<string, string> environment)
    {
        await using ServerProcess server = await ServerProcess.StartAsync([], environment: environment);
        using RawConnection client = await RawConnection.ConnectAsync(server.Port);
        await client.SendAsync("HELLO squares/1\n");
        string welcome = await client.ReceiveUntilAsync(t => t.EndsWith('\n'));
        Assert.Equal(0, await server.StopAsync());
        return welcome.TrimEnd('\n');
    }
}
