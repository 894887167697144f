using IotSquares.Deploy.Tests.Support;

namespace IotSquares.Deploy.Tests;

/// <summary>-WhatIf prints every command of a build and a deploy, and runs none of them.</summary>
public sealed class WhatIfTests
{
    [PublishFact]
    public async Task WhatIf_prints_every_build_and_deploy_command_and_runs_none()
    {
        string directory = Path.Combine(Path.GetTempPath(), "pisquare-deploy-tests", Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var work = new DeployWorkspace(directory);
            string artifacts = Path.Combine(directory, "not-built");
            // Port 1 on loopback: nothing listens there, so a command that really ran would fail the run.
            const string server = "pi@127.0.0.1:1";
            const string client = "pi@127.0.0.1:2";

            ProcessRunner.Result run = await Publish.RunAsync(
                ["-ServerHost", server, "-ClientHost", client, "-ServerAddress", "pisquare-server.local", "-EnableI2c",
                 "-ArtifactsPath", artifacts, "-DeployPath", work.DeployPath, "-WhatIf"]);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.False(Directory.Exists(artifacts), "-WhatIf built something");
            string[] lines = run.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            AssertLinesInOrder(lines,
                $"What if: Performing the operation \"dotnet publish {Path.Combine(Repository.Root, "src/PiSquareServer/PiSquareServer.csproj")} -c Release -r linux-arm64 -o {artifacts}",
                $"What if: Performing the operation \"dotnet publish {Path.Combine(Repository.Root, "src/PiSquareClient/PiSquareClient.csproj")} -c Release -r linux-arm64 -o {artifacts}",
                "What if: Performing the operation \"uname -m;",
                $"What if: Performing the operation \"sudo -n groupadd --system gpio\" on target \"{server}\".",
                $"What if: Performing the operation \"sudo -n useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --groups gpio,i2c pisquare\" on target \"{server}\".",
                $"What if: Performing the operation \"scp {Path.Combine(artifacts, "PiSquareServer")} ",
                "What if: Performing the operation \"sudo -n install -D -m 0755 /tmp/pisquare-publish.XXXXXX/PiSquareServer /opt/pisquare/bin/PiSquareServer.publish-new\"",
                "What if: Performing the operation \"sudo -n mv -f /opt/pisquare/bin/PiSquareServer.publish-new /opt/pisquare/bin/PiSquareServer\"",
                "What if: Performing the operation \"sudo -n install -D -m 0644 /tmp/pisquare-publish.XXXXXX/server.env /etc/pisquare/server.env.publish-new\"",
                $"What if: Performing the operation \"sudo -n raspi-config nonint do_i2c 0\" on target \"{server}\".",
                $"What if: Performing the operation \"sudo -n systemctl daemon-reload\" on target \"{server}\".",
                $"What if: Performing the operation \"sudo -n systemctl enable pisquare-server.service\" on target \"{server}\".",
                $"What if: Performing the operation \"sudo -n systemctl restart pisquare-server.service\" on target \"{server}\".",
                "What if: Performing the operation \"sudo -n install -D -m 0644 /tmp/pisquare-publish.XXXXXX/client.env /etc/pisquare/client.env.publish-new\"",
                $"What if: Performing the operation \"sudo -n systemctl restart pisquare-client.service\" on target \"{client}\".",
                $"What if: Performing the operation \"sudo -n journalctl -u pisquare-server.service -n 10 --no-pager -o short-iso\" on target \"{server}\".",
                $"What if: Performing the operation \"sudo -n journalctl -u pisquare-client.service -n 10 --no-pager -o short-iso\" on target \"{client}\".");
            Assert.DoesNotContain(lines, line => line.Contains("I2C enabled", StringComparison.Ordinal) || line.Contains("installed ", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void AssertLinesInOrder(string[] lines, params string[] prefixes)
    {
        int next = 0;
        foreach (string prefix in prefixes)
        {
            int found = Array.FindIndex(lines, next, line => line.StartsWith(prefix, StringComparison.Ordinal));
            Assert.True(found >= 0, $"expected a line starting with\n  {prefix}\nafter line {next} of:\n{string.Join('\n', lines)}");
            next = found + 1;
        }
    }
}
