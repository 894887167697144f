namespace IotSquares.Deploy.Tests.Support;

/// <summary>
/// A deploy/systemd/ folder of the repository's shape (units, server.env, client.env, appsettings.json, the
/// binaries under /opt/pisquare/bin/) that stays the same whatever the real units become, so these tests
/// check publish.ps1 and not the units. The server unit runs as a dedicated system user (User=) and the client
/// with DynamicUser=yes: the two account shapes publish.ps1 must handle.
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
            ExecStart=/opt/pisquare/bin/PiSquareServer
            EnvironmentFile=-/etc/pisquare/server.env
            User=pisquare
            SupplementaryGroups=gpio i2c

            [Install]
            WantedBy=multi-user.target
            """);
        File.WriteAllText(Path.Combine(systemd, "pisquare-client.service"), """
            [Unit]
            Description=PiSquareClient (test placeholder)

            [Service]
            EnvironmentFile=-/etc/pisquare/client.env
            ExecStart=/opt/pisquare/bin/PiSquareClient --host ${PISQUARE_SERVER}
            DynamicUser=yes
            SupplementaryGroups=gpio i2c

            [Install]
            WantedBy=multi-user.target
            """);
        File.WriteAllText(Path.Combine(systemd, "server.env"), "PISQUARE_Server__Port=50007\n");
        File.WriteAllText(Path.Combine(systemd, "appsettings.json"), "{ \"Server\": { \"Port\": 50007 } }\n");
        File.WriteAllText(Path.Combine(systemd, "client.env"), "# The server Pi.\nPISQUARE_SERVER=localhost\nPISQUARE_PORT=50007\n");
    }
}
