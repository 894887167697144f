using System.Text;

namespace IotSquares.Deploy.Tests.Support;

/// <summary>
/// What publish.ps1 deploys in a test: two tiny fake aarch64 ELF "binaries" (the real build is tested on its
/// own, once), the units and configuration, and a -Config file that points publish.ps1 at an <see cref="SshPi"/>.
/// </summary>
public sealed class DeployWorkspace
{
    public const string ServerAddress = "pisquare-server.test";

    /// <param name="directory">The workspace's folder.</param>
    /// <param name="deployPath">The repository's deploy/ folder; null for the placeholder units.</param>
    public DeployWorkspace(string directory, string? deployPath = null)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(ArtifactsPath);
        DeployPath = deployPath ?? Path.Combine(Directory, "deploy");
        if (deployPath is null)
        {
            PlaceholderUnits.Write(DeployPath);
        }
    }

    public string Directory { get; }

    public string ArtifactsPath => Path.Combine(Directory, "artifacts");

    public string DeployPath { get; }

    public string BinaryPath(string program) => Path.Combine(ArtifactsPath, program);

    /// <summary>
    /// Writes both fake binaries: an ELF header for 64-bit ARM, a glibc symbol version like those a real
    /// binary's version-needs table carries, and <paramref name="version"/> so that versions hash differently.
    /// </summary>
    public void WriteBinaries(string version, string glibc = "2.17")
    {
        foreach (string program in new[] { "PiSquareServer", "PiSquareClient" })
        {
            File.WriteAllBytes(BinaryPath(program), FakeElf($"GLIBC_{glibc}\0{program} {version}\n"));
        }
    }

    /// <summary>A deploy.psd1 for -Config: both roles on <paramref name="pi"/>, its key, its root.</summary>
    public string WriteConfig(SshPi pi, string? serverHost = null, string? clientHost = null)
    {
        string path = Path.Combine(Directory, "deploy.psd1");
        File.WriteAllText(path, $$"""
            @{
                ServerHost          = '{{serverHost ?? pi.HostSpec}}'
                ClientHost          = '{{clientHost ?? pi.HostSpec}}'
                ServerAddress       = '{{ServerAddress}}'
                IdentityFile        = '{{pi.IdentityFile}}'
                SshOption           = @('UserKnownHostsFile={{pi.KnownHostsFile}}', 'IdentitiesOnly=yes')
                NoBuild             = $true
                ArtifactsPath       = '{{ArtifactsPath}}'
                DeployPath          = '{{DeployPath}}'
                RemoteRoot          = '{{pi.Root}}'
                StartTimeoutSeconds = 60
            }
            """);
        return path;
    }

    /// <summary>A minimal 64-bit little-endian ELF header for e_machine 183 (AArch64), then a payload.</summary>
    public static byte[] FakeElf(string payload)
    {
        var header = new byte[64];
        header[0] = 0x7F;
        header[1] = (byte)'E';
        header[2] = (byte)'L';
        header[3] = (byte)'F';
        header[4] = 2; // ELFCLASS64
        header[5] = 1; // little-endian
        header[6] = 1; // version
        header[16] = 2; // ET_EXEC
        header[18] = 0xB7; // EM_AARCH64
        return [.. header, .. Encoding.ASCII.GetBytes(payload)];
    }
}
