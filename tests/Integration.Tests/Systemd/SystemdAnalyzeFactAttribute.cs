namespace IotSquares.Integration.Tests.Systemd;

/// <summary>
/// A test that needs systemd's own tools. Skipped, with the reason, only where systemd-analyze is not
/// installed; CI installs the systemd package (see .ci/run), so there it always runs.
/// </summary>
public sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public SystemdAnalyzeFactAttribute()
    {
        if (SystemdAnalyze.Path is null)
        {
            Skip = "systemd-analyze is not installed (apt-get install systemd); .ci/run installs it";
        }
    }
}
