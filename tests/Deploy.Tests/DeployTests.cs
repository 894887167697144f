using IotSquares.Deploy.Tests.Support;

namespace IotSquares.Deploy.Tests;

/// <summary>
/// publish.ps1's deploy step for real: ssh and scp to an OpenSSH server on 127.0.0.1, files installed under a
/// temporary root, accounts created there with groupadd/useradd, the Pi's systemd tools recorded by stubs.
/// Both "Pis" are the same sshd here; the roles still get their own files and units.
/// </summary>
public sealed class DeployTests
{
    private const string ServerUnit = "pisquare-server.service";
    private const string ClientUnit = "pisquare-client.service";

    [DeployFact]
    public async Task First_deploy_installs_files_and_accounts_then_starts_both_services()
    {
        await using SshPi pi = await SshPi.StartAsync();
        var work = new DeployWorkspace(Path.Combine(pi.Directory, "work"));
        work.WriteBinaries("v1");

        ProcessRunner.Result run = await Publish.RunAsync(["-Config", work.WriteConfig(pi), "-EnableI2c"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(File.ReadAllBytes(work.BinaryPath("PiSquareServer")), File.ReadAllBytes(pi.PathOnPi("/opt/pisquare/bin/PiSquareServer")));
        Assert.Equal(File.ReadAllBytes(work.BinaryPath("PiSquareClient")), File.ReadAllBytes(pi.PathOnPi("/opt/pisquare/bin/PiSquareClient")));
        Assert.True(File.Exists(pi.PathOnPi("/etc/systemd/system/" + ServerUnit)));
        Assert.True(File.Exists(pi.PathOnPi("/etc/systemd/system/" + ClientUnit)));
        Assert.Equal(File.ReadAllText(Path.Combine(work.DeployPath, "systemd", "server.env")), File.ReadAllText(pi.PathOnPi("/etc/pisquare/server.env")));
        Assert.Equal(File.ReadAllText(Path.Combine(work.DeployPath, "systemd", "appsettings.json")), File.ReadAllText(pi.PathOnPi("/etc/pisquare/appsettings.json")));
        Assert.False(File.Exists(pi.PathOnPi("/etc/pisquare/pisquare-server.service")), "a unit was taken for configuration");
        // The client is pointed at the server: the template's value is replaced, the rest kept.
        Assert.Equal($"# The server Pi.\nPISQUARE_SERVER={DeployWorkspace.ServerAddress}\nPISQUARE_PORT=50007\n", File.ReadAllText(pi.PathOnPi("/etc/pisquare/client.env")));
        Assert.Equal(Convert.ToString(0b111_101_101, 8), Convert.ToString((int)File.GetUnixFileMode(pi.PathOnPi("/opt/pisquare/bin/PiSquareServer")), 8));

        string[] groups = File.ReadAllLines(pi.PathOnPi("/etc/group"));
        Assert.Contains(groups, line => line.StartsWith("gpio:", StringComparison.Ordinal) && line.EndsWith(":pisquare", StringComparison.Ordinal));
        Assert.Contains(groups, line => line.StartsWith("i2c:", StringComparison.Ordinal) && line.EndsWith(":pisquare", StringComparison.Ordinal));
        Assert.Contains(File.ReadAllLines(pi.PathOnPi("/etc/passwd")), line => line.StartsWith("pisquare:", StringComparison.Ordinal) && line.EndsWith(":/usr/sbin/nologin", StringComparison.Ordinal));

        CallLog.AssertInOrder(pi.Calls(),
            "uname -m",
            "sudo -n true",
            "sudo -n raspi-config nonint get_i2c",
            "sudo -n raspi-config nonint do_i2c 0",
            "sudo -n systemctl daemon-reload",
            "sudo -n systemctl enable " + ServerUnit,
            "sudo -n systemctl restart " + ServerUnit,
            "systemctl is-active " + ServerUnit,
            "sudo -n systemctl daemon-reload",
            "sudo -n systemctl enable " + ClientUnit,
            "sudo -n systemctl restart " + ClientUnit,
            "systemctl is-active " + ClientUnit,
            $"sudo -n journalctl -u {ServerUnit} -n 10 --no-pager -o short-iso",
            $"sudo -n journalctl -u {ClientUnit} -n 10 --no-pager -o short-iso");
        Assert.Contains("Started " + ServerUnit, run.Output, StringComparison.Ordinal);
        Assert.Contains("reboot it once", run.Output, StringComparison.Ordinal);
    }

    [DeployFact]
    public async Task The_repository_units_decide_where_the_binaries_and_configuration_go()
    {
        await using SshPi pi = await SshPi.StartAsync();
        string deploy = Path.Combine(Repository.Root, "deploy");
        var work = new DeployWorkspace(Path.Combine(pi.Directory, "work"), deploy);
        work.WriteBinaries("v1");

        ProcessRunner.Result run = await Publish.RunAsync(["-Config", work.WriteConfig(pi)]);

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (string unit in new[] { ServerUnit, ClientUnit })
        {
            string installed = File.ReadAllText(pi.PathOnPi("/etc/systemd/system/" + unit));
            Assert.Equal(File.ReadAllText(Path.Combine(deploy, "systemd", unit)), installed);
            // The binary goes where the unit's ExecStart runs it.
            string binary = installed.Split('\n').Single(line => line.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..].Split(' ')[0];
            Assert.Equal(File.ReadAllBytes(work.BinaryPath(Path.GetFileName(binary))), File.ReadAllBytes(pi.PathOnPi(binary)));
        }

        foreach (string config in new[] { "appsettings.json", "server.env" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(deploy, "systemd", config)), File.ReadAllText(pi.PathOnPi("/etc/pisquare/" + config)));
        }

        string clientEnv = File.ReadAllText(pi.PathOnPi("/etc/pisquare/client.env"));
        Assert.StartsWith(File.ReadAllText(Path.Combine(deploy, "systemd", "client.env")), clientEnv, StringComparison.Ordinal);
        Assert.EndsWith($"\nPISQUARE_SERVER={DeployWorkspace.ServerAddress}\n", clientEnv, StringComparison.Ordinal);
        CallLog.AssertInOrder(pi.Calls(),
            "sudo -n systemctl daemon-reload", "sudo -n systemctl enable " + ServerUnit, "sudo -n systemctl restart " + ServerUnit, "systemctl is-active " + ServerUnit,
            "sudo -n systemctl daemon-reload", "sudo -n systemctl enable " + ClientUnit, "sudo -n systemctl restart " + ClientUnit, "systemctl is-active " + ClientUnit);
    }

    [DeployFact]
    public async Task Second_run_restarts_nothing_and_a_new_server_binary_restarts_only_the_server()
    {
        await using SshPi pi = await SshPi.StartAsync();
        var work = new DeployWorkspace(Path.Combine(pi.Directory, "work"));
        work.WriteBinaries("v1");
        string config = work.WriteConfig(pi);
        ProcessRunner.Result first = await Publish.RunAsync(["-Config", config]);
        Assert.True(first.ExitCode == 0, first.ToString());

        pi.ClearCalls();
        ProcessRunner.Result second = await Publish.RunAsync(["-Config", config]);

        Assert.True(second.ExitCode == 0, second.ToString());
        IReadOnlyList<string> calls = pi.Calls();
        CallLog.AssertNone(calls, call => call.Contains("restart", StringComparison.Ordinal) || call.Contains("daemon-reload", StringComparison.Ordinal), "restart or daemon-reload");
        CallLog.AssertNone(calls, call => call.StartsWith("sudo -n install", StringComparison.Ordinal), "install");
        CallLog.AssertInOrder(calls,
            "sudo -n systemctl enable --now " + ServerUnit, "systemctl is-active " + ServerUnit,
            "sudo -n systemctl enable --now " + ClientUnit, "systemctl is-active " + ClientUnit);

        File.WriteAllBytes(work.BinaryPath("PiSquareServer"), DeployWorkspace.FakeElf("GLIBC_2.17\0PiSquareServer v2\n"));
        pi.ClearCalls();
        ProcessRunner.Result third = await Publish.RunAsync(["-Config", config]);

        Assert.True(third.ExitCode == 0, third.ToString());
        calls = pi.Calls();
        Assert.Equal(File.ReadAllBytes(work.BinaryPath("PiSquareServer")), File.ReadAllBytes(pi.PathOnPi("/opt/pisquare/bin/PiSquareServer")));
        CallLog.AssertInOrder(calls, "sudo -n systemctl restart " + ServerUnit, "sudo -n systemctl enable --now " + ClientUnit);
        CallLog.AssertNone(calls, call => call.Contains("restart " + ClientUnit, StringComparison.Ordinal), "client restart");
        // Only the binary changed, not a unit: no daemon-reload.
        CallLog.AssertNone(calls, call => call.Contains("daemon-reload", StringComparison.Ordinal), "daemon-reload");
    }
}
