using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using IotSquares.Deploy.Tests.Support;

namespace IotSquares.Deploy.Tests;

/// <summary>
/// The build step for real, once per test run (two linux-arm64 publishes take minutes on two cores):
/// `publish.ps1 -BuildOnly` with its defaults, as a user would run it before deploying.
/// With <c>PISQUARE_PI_BUILD_DIR</c> set (CI), the build goes to that folder and is kept: the virtual Pi
/// lab (tests/virtual-pi) then deploys exactly the binaries these tests checked instead of linking them
/// a second time.
/// </summary>
public sealed class PiBuildFixture : IDisposable
{
    private readonly Lazy<Task<ProcessRunner.Result>> _run;
    private readonly bool _keep;

    public PiBuildFixture()
    {
        string? kept = Environment.GetEnvironmentVariable("PISQUARE_PI_BUILD_DIR");
        _keep = !string.IsNullOrWhiteSpace(kept);
        ArtifactsPath = _keep
            ? Path.GetFullPath(kept!)
            : Path.Combine(Path.GetTempPath(), "pisquare-deploy-tests", "build-" + Guid.NewGuid().ToString("N")[..12]);
        _run = new Lazy<Task<ProcessRunner.Result>>(() => Publish.RunAsync(["-BuildOnly", "-ArtifactsPath", ArtifactsPath], TimeSpan.FromMinutes(45)));
    }

    public string ArtifactsPath { get; }

    public Task<ProcessRunner.Result> RunAsync() => _run.Value;

    public void Dispose()
    {
        if (!_keep && Directory.Exists(ArtifactsPath))
        {
            Directory.Delete(ArtifactsPath, recursive: true);
        }
    }
}

public sealed partial class BuildTests(PiBuildFixture build) : IClassFixture<PiBuildFixture>
{
    /// <summary>Raspberry Pi OS bookworm's glibc: the oldest system publish.ps1's binaries must run on.</summary>
    private static readonly Version Bookworm = new(2, 36);

    [PublishFact]
    public async Task Both_programs_are_64_bit_arm_elf_files_and_their_sizes_are_reported()
    {
        ProcessRunner.Result run = await build.RunAsync();

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (string program in new[] { "PiSquareServer", "PiSquareClient" })
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(build.ArtifactsPath, program));
            Assert.True(bytes is [0x7F, (byte)'E', (byte)'L', (byte)'F', ..], $"{program} is not an ELF file");
            Assert.Equal(2, bytes[4]); // ELFCLASS64
            Assert.Equal(1, bytes[5]); // little-endian
            Assert.Equal(0xB7, bytes[18] | (bytes[19] << 8)); // EM_AARCH64
            string size = (bytes.Length / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " MB";
            Assert.Matches($@"(?m)^\s*{program}\s+{Regex.Escape(size)}\s+64-bit ELF, linux-arm64", run.Output);
            // Native AOT is about 6 MB, the single file about 13: anything far off means the wrong build.
            Assert.InRange(bytes.Length, 1_000_000, 20_000_000);
        }
    }

    [PublishFact]
    public async Task Both_programs_run_on_the_glibc_of_Raspberry_Pi_OS_bookworm()
    {
        ProcessRunner.Result run = await build.RunAsync();

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (string program in new[] { "PiSquareServer", "PiSquareClient" })
        {
            string text = Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(build.ArtifactsPath, program)));
            Version needed = GlibcVersion().Matches(text).Select(m => Version.Parse(m.Groups[1].Value)).Max()
                ?? throw new InvalidOperationException($"{program} names no GLIBC_ symbol version");
            Assert.True(needed <= Bookworm, $"{program} needs glibc {needed}, newer than bookworm's {Bookworm}");
            Assert.Matches($@"(?m)^\s*{program}\s.*glibc >= {Regex.Escape(needed.ToString())}$", run.Output);
        }
    }

    [DeployFact]
    public async Task The_built_binaries_deploy_over_ssh_byte_for_byte()
    {
        ProcessRunner.Result built = await build.RunAsync();
        Assert.True(built.ExitCode == 0, built.ToString());
        await using SshPi pi = await SshPi.StartAsync();
        var work = new DeployWorkspace(Path.Combine(pi.Directory, "work"));
        string config = work.WriteConfig(pi);

        ProcessRunner.Result run = await Publish.RunAsync(["-Config", config, "-ArtifactsPath", build.ArtifactsPath]);

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (string program in new[] { "PiSquareServer", "PiSquareClient" })
        {
            byte[] binary = File.ReadAllBytes(Path.Combine(build.ArtifactsPath, program));
            Assert.Equal(binary, File.ReadAllBytes(pi.PathOnPi("/opt/pisquare/bin/" + program)));
            string size = (binary.Length / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " MB";
            Assert.Contains($"installed  /opt/pisquare/bin/{program} ({size})", run.Output, StringComparison.Ordinal);
        }
    }

    [PublishFact]
    public async Task The_32_bit_build_is_an_arm_elf_or_one_line_naming_the_missing_dotnet_packs()
    {
        string artifacts = Path.Combine(Path.GetTempPath(), "pisquare-deploy-tests", "arm32-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            ProcessRunner.Result run = await Publish.RunAsync(["-BuildOnly", "-Runtime", "linux-arm", "-ArtifactsPath", artifacts], TimeSpan.FromMinutes(45));

            if (run.ExitCode == 0)
            {
                // The packs are served: both programs must be 32-bit ARM (EM_ARM) files, reported as such.
                foreach (string program in new[] { "PiSquareServer", "PiSquareClient" })
                {
                    byte[] bytes = File.ReadAllBytes(Path.Combine(artifacts, program));
                    Assert.True(bytes is [0x7F, (byte)'E', (byte)'L', (byte)'F', ..], $"{program} is not an ELF file");
                    Assert.Equal(1, bytes[4]); // ELFCLASS32
                    Assert.Equal(0x28, bytes[18] | (bytes[19] << 8)); // EM_ARM
                    Assert.Matches($@"(?m)^\s*{program}\s+\S+ MB\s+32-bit ELF, linux-arm\b", run.Output);
                }

                return;
            }

            // Not served by this machine's feed (see docs/SYSTEMD.md): exit 3 and one line naming the packs and the way out.
            Assert.True(run.ExitCode == 3, run.ToString());
            string[] said = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(said);
            Assert.Matches(@"^publish\.ps1: the \.NET packs for linux-arm are not on your NuGet source\(s\) \(.+\): .*Microsoft\.NETCore\.App\.Runtime\.linux-arm\b", said[0]);
            Assert.Contains("-Runtime linux-arm64", said[0], StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(artifacts, "PiSquareServer")));
        }
        finally
        {
            if (Directory.Exists(artifacts))
            {
                Directory.Delete(artifacts, recursive: true);
            }
        }
    }

    [GeneratedRegex(@"GLIBC_(2\.\d+(?:\.\d+)?)\x00")]
    private static partial Regex GlibcVersion();
}
