using System.Text.RegularExpressions;
using IotSquares.Integration.Tests.Support;

namespace IotSquares.Integration.Tests.Systemd;

/// <summary>
/// PISQUARE_CONFIG_FILE: the unit's /etc/pisquare/appsettings.json, read after the file beside the
/// binary and before the PISQUARE_ variables.
/// </summary>
public sealed partial class ConfigFileTests : IDisposable
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

        await using var server = ServerWithEnvironment.Start(new Dictionary<string, string> { ["PISQUARE_CONFIG_FILE"] = _file });
        Assert.Equal(78, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        string line = Assert.Single(server.Output);
        Assert.StartsWith("PiSquareServer: invalid configuration: ", line);
        Assert.Contains(_file, line);
    }

    public void Dispose() => File.Delete(_file);

    private static async Task<string> WelcomeAsync(Dictionary<string, string> environment)
    {
        await using var server = ServerWithEnvironment.Start(environment);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Match listening;
        while (!(listening = server.Output.Select(l => Listening().Match(l)).FirstOrDefault(m => m.Success) ?? Match.Empty).Success)
        {
            Assert.False(server.HasExited, "the server exited:\n" + string.Join('\n', server.Output));
            await Task.Delay(50, deadline.Token);
        }

        using RawConnection client = await RawConnection.ConnectAsync(int.Parse(listening.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        await client.SendAsync("HELLO squares/1\n");
        string welcome = await client.ReceiveUntilAsync(t => t.EndsWith('\n'));
        Assert.Equal(0, await server.StopAsync());
        return welcome.TrimEnd('\n');
    }

    [GeneratedRegex(@"Listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();
}
