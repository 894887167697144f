namespace IotSquares.Deploy.Tests.Support;

/// <summary>A test that runs publish.ps1: skipped, with the reason, only when PowerShell cannot run.</summary>
public sealed class PublishFactAttribute : FactAttribute
{
    public PublishFactAttribute()
    {
        Skip = Publish.WhyNot;
    }
}

/// <summary>A test that deploys over ssh: skipped, with the reason, only when OpenSSH or PowerShell is missing.</summary>
public sealed class DeployFactAttribute : FactAttribute
{
    public DeployFactAttribute()
    {
        Skip = SshPi.WhyNot ?? Publish.WhyNot;
    }
}
