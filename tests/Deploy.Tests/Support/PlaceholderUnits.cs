namespace IotSquares.Deploy.Tests.Support;

/// <summary>
/// Stand-ins for deploy/systemd/ while the real units are not in the repository: what publish.ps1 reads from
/// a unit (ExecStart's binary path, User=, DynamicUser=, SupplementaryGroups=, [Install]) in the two shapes
/// it must handle, a dedicated system user and a dynamic one.
/// </summary>
public static class PlaceholderUnits
{
    public static void Write(string deployPath)
    {
        string systemd = Path.Combine(deployPath, "systemd");
        Directory.CreateDirectory(systemd);
        File.WriteAllText(Path.Combine(systemd, "pisquare-server.service"), """
            [Unit]
            Description=PiSquareServer (test placeholder)

            [Service]
            Type=notify
            ExecStart=/opt/pisquare/PiSquareServer
            User=pisquare
            SupplementaryGroups=gpio i2c

            [Install]
            WantedBy=multi-user.target
            """);
        File.WriteAllText(Path.Combine(systemd, "pisquare-client.service"), """
            [Unit]
            Description=PiSquareClient (test placeholder)

            [Service]
            EnvironmentFile=/etc/pisquare/client.env
            ExecStart=/opt/pisquare/PiSquareClient --host ${PISQUARE_SERVER_HOST}
            DynamicUser=yes
            SupplementaryGroups=gpio i2c

            [Install]
            WantedBy=multi-user.target
            """);
        string config = Path.Combine(deployPath, "config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "server.env"), "PISQUARE_Server__Port=50007\n");
        File.WriteAllText(Path.Combine(config, "client.env"), "# Written by publish.ps1\nPISQUARE_SERVER_HOST=localhost\n");
    }
}
