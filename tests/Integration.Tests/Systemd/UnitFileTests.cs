using Xunit.Abstractions;

namespace IotSquares.Integration.Tests.Systemd;

/// <summary>
/// The units in deploy/systemd/, checked with the real systemd-analyze: verify prints nothing, and the
/// offline security analysis scores each at 2.0 or less (0 = locked down, 10 = exposed).
/// </summary>
public sealed class UnitFileTests(ITestOutputHelper output)
{
    private const double MaxExposure = 2.0;

    [SystemdAnalyzeFact]
    public async Task Every_unit_verifies_without_a_word()
    {
        string[] units = [.. Directory.EnumerateFiles(SystemdAnalyze.UnitFolder).Where(f => f.EndsWith(".service", StringComparison.Ordinal) || f.EndsWith(".socket", StringComparison.Ordinal))];
        Assert.Contains(units, f => f.EndsWith("pisquare-server.service", StringComparison.Ordinal));
        Assert.Contains(units, f => f.EndsWith("pisquare-client.service", StringComparison.Ordinal));
        foreach (string unit in units)
        {
            (int exitCode, string said) = await SystemdAnalyze.VerifyAsync(await File.ReadAllTextAsync(unit), Path.GetFileName(unit));
            output.WriteLine($"systemd-analyze verify {Path.GetFileName(unit)}: exit {exitCode} {said}");
            Assert.True(exitCode == 0 && said.Length == 0, $"{Path.GetFileName(unit)}: exit {exitCode}: {said}");
        }
    }

    [SystemdAnalyzeFact]
    public async Task The_verify_check_catches_a_mistake()
    {
        // The same server unit with a misspelt key and a missing binary: both must be reported.
        string unit = await File.ReadAllTextAsync(Path.Combine(SystemdAnalyze.UnitFolder, "pisquare-server.service"));
        string broken = unit.Replace("ProtectHome=yes", "ProtectHomes=yes", StringComparison.Ordinal)
            .Replace("/opt/pisquare/bin/PiSquareServer", "/opt/pisquare/bin/NoSuchServer", StringComparison.Ordinal);

        (int exitCode, string said) = await SystemdAnalyze.VerifyAsync(broken, "pisquare-server.service");

        Assert.Contains("Unknown key 'ProtectHomes'", said);
        Assert.Contains("/opt/pisquare/bin/NoSuchServer is not executable", said);
        Assert.NotEqual(0, exitCode);
    }

    [SystemdAnalyzeFact]
    public async Task Both_services_score_at_most_2_0_exposure()
    {
        foreach (string service in (string[])["pisquare-server.service", "pisquare-client.service"])
        {
            (double exposure, string report) = await SystemdAnalyze.SecurityAsync(Path.Combine(SystemdAnalyze.UnitFolder, service));
            output.WriteLine($"{service}: exposure {exposure:0.0}");
            Assert.True(exposure <= MaxExposure, $"{service} scores {exposure:0.0}, over {MaxExposure:0.0}:\n{report}");
        }
    }

    [SystemdAnalyzeFact]
    public async Task The_security_check_tells_a_bare_unit_from_ours()
    {
        // What the issue measured for a plain DynamicUser=yes unit (8.1 EXPOSED): the scorer is not blind.
        string bare = Path.Combine(Path.GetTempPath(), $"pisquare-bare-{Guid.NewGuid():N}.service");
        await File.WriteAllTextAsync(bare, "[Service]\nType=notify\nExecStart=/opt/pisquare/bin/PiSquareServer\nDynamicUser=yes\n");
        try
        {
            (double exposure, _) = await SystemdAnalyze.SecurityAsync(bare);
            Assert.True(exposure > 5.0, $"a bare unit scores {exposure:0.0}");
        }
        finally
        {
            File.Delete(bare);
        }
    }
}
