#Requires -Version 7.2
<#
.SYNOPSIS
Builds PiSquareServer and PiSquareClient for the Raspberry Pi and deploys them to two Pis over ssh.

.DESCRIPTION
1. Build: `dotnet publish` of both programs for -Runtime (Native AOT by default for linux-arm64), each
   file's size, ELF machine and newest glibc symbol printed; any trim/AOT warning fails the build.
2. Check each Pi over ssh before copying anything: reachable, passwordless sudo (`sudo -n`), `uname -m`
   and the userland's bit width match the build, glibc (getconf GNU_LIBC_VERSION, else ldd --version) is
   new enough for the binaries.
3. Deploy, server Pi first: create the gpio and i2c groups and the system user a unit runs as when
   missing; copy the binary (where the unit's ExecStart says), the units from deploy/systemd/ and the
   configuration beside them (*.env, appsettings.json, to /etc/pisquare/), only the files whose SHA-256
   differs; the client Pi's /etc/pisquare/client.env gets PISQUARE_SERVER (the server's address);
   optionally turn I2C on with raspi-config;
   `systemctl daemon-reload` when a unit changed, `enable` and `restart` when anything changed
   (otherwise `enable --now`, which leaves a running service alone); wait until `active`.
4. Print the last journal lines of each service.

A second run with nothing changed copies nothing and restarts nothing. -WhatIf prints every command
(local and remote) without running any.

Exit codes: 0 done; 1 unexpected failure; 2 bad parameters; 3 build failed, has trim/AOT warnings, or
the runtime's .NET packs are not on the NuGet source;
4 a Pi cannot be reached over ssh; 5 no passwordless sudo; 6 wrong architecture or old glibc;
7 a service failed to start (its journal is printed); 8 a remote step failed.

.PARAMETER ServerHost
The Pi that runs PiSquareServer, as user@host or user@host:port (a port here wins over -SshPort).

.PARAMETER ClientHost
The Pi that runs PiSquareClient, as user@host or user@host:port.

.PARAMETER ServerAddress
The name or address the client Pi uses to reach the server. Default: the host part of -ServerHost. Needed
when you reach the server Pi differently from here (a port forward, a VPN).

.PARAMETER Config
A .psd1 file with any of these parameters as keys, e.g. @{ ServerHost = 'pi@pisquare-server.local' };
parameters given on the command line win.

.PARAMETER SshPort
The ssh port of both Pis when their host strings name none (default 22).

.PARAMETER IdentityFile
The private key for ssh (default: ssh's own choice, ~/.ssh/id_*).

.PARAMETER SshOption
More ssh options, as ssh's -o takes them (e.g. 'UserKnownHostsFile=/tmp/known_hosts').

.PARAMETER Runtime
linux-arm64 (Raspberry Pi OS 64-bit, the default) or linux-arm (32-bit Raspberry Pi OS: needs the
linux-arm .NET runtime packs on your NuGet source; without them the build stops with one line naming
them, exit 3; not yet run on a Pi, see docs/SYSTEMD.md).

.PARAMETER Flavour
Aot (Native AOT: one native file, fast start; the default for linux-arm64) or SingleFile (self-contained,
trimmed, compressed single file; the default for linux-arm).

.PARAMETER NoBuild
Deploy the binaries already in -ArtifactsPath.

.PARAMETER BuildOnly
Build and report, deploy nothing.

.PARAMETER ArtifactsPath
Where the binaries are built (default artifacts/pi/<runtime>-<flavour>/).

.PARAMETER EnableI2c
Turn the I2C bus on with `raspi-config nonint do_i2c 0` where it is off (the display needs it); the Pi
then needs one reboot, which the script names but does not do.

.PARAMETER StartTimeoutSeconds
How long to wait for each unit to become active (default 120).

.PARAMETER JournalLines
How many journal lines of each service to print at the end (default 10).

.PARAMETER RemoteRoot
Advanced, for tests: a folder on the Pi under which every file is installed (/etc, /opt, the account
files) instead of /. systemctl and the other tools still run as they are.

.PARAMETER DeployPath
Advanced, for tests: the folder with systemd/ (default deploy/ beside this script).

.EXAMPLE
dotnet pwsh ./publish.ps1 -ServerHost pi@pisquare-server.local -ClientHost pi@pisquare-client.local -EnableI2c

.EXAMPLE
dotnet pwsh ./publish.ps1 -Config deploy/deploy.example.psd1 -WhatIf

.EXAMPLE
dotnet pwsh ./publish.ps1 -BuildOnly -Flavour SingleFile -Runtime linux-arm
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [string] $ServerHost,
    [string] $ClientHost,
    [string] $ServerAddress,
    [string] $Config,
    [ValidateRange(1, 65535)] [int] $SshPort = 22,
    [string] $IdentityFile,
    [string[]] $SshOption = @(),
    [ValidateSet('linux-arm64', 'linux-arm')] [string] $Runtime = 'linux-arm64',
    [ValidateSet('Aot', 'SingleFile')] [string] $Flavour,
    [switch] $NoBuild,
    [switch] $BuildOnly,
    [string] $ArtifactsPath,
    [switch] $EnableI2c,
    [ValidateRange(1, 3600)] [int] $StartTimeoutSeconds = 120,
    [ValidateRange(0, 1000)] [int] $JournalLines = 10,
    [Parameter(DontShow)] [string] $RemoteRoot = '',
    [Parameter(DontShow)] [string] $DeployPath
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'deploy/publish/PiSquarePublish.psm1') -Force

$targets = @()
$scratch = Join-Path ([IO.Path]::GetTempPath()) "pisquare-publish-$PID"
try {
    if ($Config) {
        if (-not (Test-Path -LiteralPath $Config)) { throw (New-PiError -Kind Usage -Message "-Config $Config not found") }
        $settings = Import-PowerShellDataFile -LiteralPath $Config
        foreach ($key in $settings.Keys) {
            $known = $MyInvocation.MyCommand.Parameters.ContainsKey($key) -and $key -notin 'Config', 'WhatIf', 'Confirm'
            if (-not $known) { throw (New-PiError -Kind Usage -Message "-Config ${Config}: '$key' is not a parameter of publish.ps1") }
            if (-not $PSBoundParameters.ContainsKey($key)) { Set-Variable -Name $key -Value $settings[$key] }
        }
    }
    if (-not $Flavour) { $Flavour = if ($Runtime -eq 'linux-arm64') { 'Aot' } else { 'SingleFile' } }
    if (-not $ArtifactsPath) { $ArtifactsPath = Join-Path $PSScriptRoot "artifacts/pi/$Runtime-$Flavour" }
    if (-not $DeployPath) { $DeployPath = Join-Path $PSScriptRoot 'deploy' }
    if (-not $BuildOnly -and -not $ServerHost -and -not $ClientHost) {
        throw (New-PiError -Kind Usage -Message 'give -ServerHost and/or -ClientHost (or -Config), or -BuildOnly')
    }
    [void] (New-Item -ItemType Directory -Force -Path $scratch -WhatIf:$false)

    # 1. Build and report.
    if (-not $NoBuild) {
        Write-Host "== Building for $Runtime ($Flavour)"
        Invoke-PiBuild -RepositoryRoot $PSScriptRoot -Runtime $Runtime -Flavour $Flavour -ArtifactsPath $ArtifactsPath -WhatIf:$WhatIfPreference
    }
    $elf = @{}
    foreach ($artifact in Get-PiArtifact -ArtifactsPath $ArtifactsPath) {
        if (-not (Test-Path -LiteralPath $artifact.Path)) {
            if ($WhatIfPreference) { continue }
            throw (New-PiError -Kind Build -Message "$($artifact.Path) is missing (build without -NoBuild, or pass -ArtifactsPath)")
        }
        $info = Get-PiElfInfo -Path $artifact.Path
        Assert-PiArtifactRuntime -Elf $info -Runtime $Runtime
        $elf[$artifact.Name] = $info
        $glibc = if ($info.Glibc) { "glibc >= $($info.Glibc)" } else { 'no glibc symbols' }
        Write-Host ('  {0,-15} {1,10}  {2}-bit ELF, {3}  {4}' -f $artifact.Name, (Format-PiSize $info.Bytes), $info.Bits, $Runtime, $glibc)
    }
    if ($BuildOnly) { return }

    # 2. Check every Pi before copying anything to any of them.
    # ssh's ControlPath must fit a Unix socket name (about 100 bytes): a long TMPDIR (macOS) gets /tmp instead.
    $control = Join-Path $scratch 'ssh'
    if ($control.Length -gt 55 -and (Test-Path /tmp)) { $control = "/tmp/pisquare-ssh-$PID" }
    [void] (New-Item -ItemType Directory -Force -Path $control -WhatIf:$false)
    if (-not $ServerAddress -and $ServerHost) { $ServerAddress = ($ServerHost -replace '^[^@]*@', '' -replace ':\d+$', '').Trim('[', ']') }
    if ($ClientHost -and -not $ServerAddress) { throw (New-PiError -Kind Usage -Message 'deploying only the client needs -ServerAddress') }
    $roles = [ordered]@{ server = $ServerHost; client = $ClientHost }
    foreach ($role in $roles.Keys | Where-Object { $roles[$_] }) {
        $target = ConvertTo-PiTarget -Spec $roles[$role] -Role $role -DefaultPort $SshPort -IdentityFile $IdentityFile `
            -SshOption $SshOption -RemoteRoot $RemoteRoot -ControlDirectory $control
        $targets += $target
        $program = @{ server = 'PiSquareServer'; client = 'PiSquareClient' }[$role]
        $required = if ($elf.ContainsKey($program)) { $elf[$program].Glibc } else { $null }
        Write-Host "== Checking the $role Pi $($target.Display)"
        $facts = Test-PiHost -Target $target -Runtime $Runtime -RequiredGlibc $required -WhatIf:$WhatIfPreference
        if ($facts) { Write-Host "  $($facts.Machine), $($facts.Bits)-bit, glibc $($facts.Glibc), user $($facts.User)$(if ($target.Sudo) { ', sudo ok' })" }
    }

    # 3. Deploy, server first so that the client finds it.
    $rebootNeeded = @()
    foreach ($target in $targets) {
        Write-Host "== Deploying to the $($target.Role) Pi $($target.Display)"
        $plan = Get-PiDeployPlan -Role $target.Role -DeployPath $DeployPath -ArtifactsPath $ArtifactsPath -DocsPath (Join-Path $PSScriptRoot 'docs') `
            -ServerAddress $ServerAddress -ScratchDirectory $scratch
        Initialize-PiAccount -Target $target -Plan $plan -WhatIf:$WhatIfPreference
        $changed = @(Install-PiFile -Target $target -Plan $plan -WhatIf:$WhatIfPreference)
        if ($EnableI2c -and (Enable-PiI2c -Target $target -WhatIf:$WhatIfPreference)) { $rebootNeeded += $target }
        Update-PiService -Target $target -Plan $plan -Changed $changed -StartTimeoutSeconds $StartTimeoutSeconds -WhatIf:$WhatIfPreference
        $target | Add-Member -NotePropertyName Plan -NotePropertyValue $plan
    }

    # 4. What the services say.
    if ($JournalLines -gt 0) {
        foreach ($target in $targets) { Show-PiJournal -Target $target -Plan $target.Plan -Lines $JournalLines -WhatIf:$WhatIfPreference }
    }
    foreach ($name in $rebootNeeded) {
        Write-Host "I2C was switched on for $($name.Display): reboot it once (ssh $(if ($name.Port -ne 22) { "-p $($name.Port) " })$($name.Destination) sudo reboot) so the display's bus is there from boot."
    }
    Write-Host 'publish.ps1: done'
} catch {
    $exception = $_.Exception
    foreach ($line in @($exception.Data['PiDetail'])) { if ($line) { [Console]::Error.WriteLine("  $line") } }
    [Console]::Error.WriteLine("publish.ps1: $($exception.Message)")
    # Not one of the failures publish.ps1 knows: say where, for a bug report.
    if (-not $exception.Data['PiKind']) { [Console]::Error.WriteLine("  at $($_.InvocationInfo.ScriptName):$($_.InvocationInfo.ScriptLineNumber)") }
    exit (Get-PiErrorExitCode -Exception $exception)
} finally {
    foreach ($target in $targets) { if (-not $WhatIfPreference) { Close-PiConnection -Target $target } }
    Remove-Item -Recurse -Force -LiteralPath $scratch, "/tmp/pisquare-ssh-$PID" -ErrorAction Ignore -WhatIf:$false
}
