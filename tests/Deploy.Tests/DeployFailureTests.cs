using IotSquares.Deploy.Tests.Support;

namespace IotSquares.Deploy.Tests;

/// <summary>
/// The failures a user meets, each as one clear line and its own exit code, each before anything is
/// copied where it can be found out first (a test class of its own, so xunit runs it beside DeployTests).
/// </summary>
public sealed class DeployFailureTests
{
    private const string ServerUnit = "pisquare-server.service";

    [DeployFact]
    public async Task An_unreachable_host_is_one_line_and_exit_4()
    {
        await using SshPi pi = await SshPi.StartAsync();
        var work = new DeployWorkspace(Path.Combine(pi.Directory, "work"));
        work.WriteBinaries("v1");
        int closedPort = ClosedPort();

        ProcessRunner.Result run = await Publish.RunAsync(["-Config", work.WriteConfig(pi, serverHost: $"{Environment.UserName}@127.0.0.1:{closedPort}")]);

        Assert.True(run.ExitCode == 4, run.ToString());
        string error = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"publish.ps1: cannot reach {Environment.UserName}@127.0.0.1:{closedPort} over ssh (port {closedPort}): ", error, StringComparison.Ordinal);
        Assert.Contains("Connection refused", error, StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(pi.PathOnPi("/opt")));
    }

    [DeployFact]
    public async Task A_wrong_architecture_stops_before_anything_is_copied()
    {
        await using SshPi pi = await SshPi.StartAsync();
        var work = new DeployWorkspace(Path.Combine(pi.Directory, "work"));
        work.WriteBinaries("v1");
        pi.SetMachine("armv7l");

        ProcessRunner.Result run = await Publish.RunAsync(["-Config", work.WriteConfig(pi)]);

        Assert.True(run.ExitCode == 6, run.ToString());
        Assert.Contains("publish.ps1: wrong architecture: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("is armv7l", run.Error, StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(pi.PathOnPi("/opt")));
        CallLog.AssertNone(pi.Calls(), call => call.Contains("systemctl", StringComparison.Ordinal), "systemctl");
    }

    [DeployFact]
    public async Task A_glibc_older_than_the_binaries_need_stops_before_anything_is_copied()
    {
        await using SshPi pi = await SshPi.StartAsync();
        var work = new DeployWorkspace(Path.Combine(pi.Directory, "work"));
        work.WriteBinaries("v1", glibc: "2.99");

        ProcessRunner.Result run = await Publish.RunAsync(["-Config", work.WriteConfig(pi)]);

        Assert.True(run.ExitCode == 6, run.ToString());
        Assert.Contains("publish.ps1: old glibc: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("need 2.99 or newer", run.Error, StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(pi.PathOnPi("/opt")));
    }

    [DeployFact]
    public async Task No_passwordless_sudo_is_one_line_and_exit_5()
    {
        await using SshPi pi = await SshPi.StartAsync();
        var work = new DeployWorkspace(Path.Combine(pi.Directory, "work"));
        work.WriteBinaries("v1");
        pi.DenySudo();

        ProcessRunner.Result run = await Publish.RunAsync(["-Config", work.WriteConfig(pi)]);

        Assert.True(run.ExitCode == 5, run.ToString());
        string error = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"publish.ps1: no passwordless sudo for {Environment.UserName} on {pi.HostSpec} (sudo: a password is required)", error, StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(pi.PathOnPi("/opt")));
    }

    [DeployFact]
    public async Task A_service_that_fails_to_start_is_reported_with_its_journal_and_the_client_is_not_touched()
    {
        await using SshPi pi = await SshPi.StartAsync();
        var work = new DeployWorkspace(Path.Combine(pi.Directory, "work"));
        work.WriteBinaries("v1");
        const string cause = "pisquare-server[812]: Cannot listen on *:50007: Address already in use (exit 69)";
        pi.FailService(ServerUnit, "systemd[1]: Starting pisquare-server.service...", cause, "systemd[1]: pisquare-server.service: Failed with result 'exit-code'.");

        ProcessRunner.Result run = await Publish.RunAsync(["-Config", work.WriteConfig(pi)]);

        Assert.True(run.ExitCode == 7, run.ToString());
        Assert.Contains(cause, run.Error, StringComparison.Ordinal);
        Assert.Contains($"publish.ps1: {ServerUnit} on {pi.HostSpec} failed to start (state: failed): ", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(pi.PathOnPi("/opt/pisquare/bin/PiSquareClient")));
        CallLog.AssertInOrder(pi.Calls(), "sudo -n systemctl restart " + ServerUnit, $"sudo -n journalctl -u {ServerUnit} -n 20 --no-pager -o short-iso");
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
