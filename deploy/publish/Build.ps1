# The build step: both programs published for the Pi, each file checked (ELF machine, glibc it needs) and sized.

$script:PiPrograms = [ordered]@{
    PiSquareServer = 'src/PiSquareServer/PiSquareServer.csproj'
    PiSquareClient = 'src/PiSquareClient/PiSquareClient.csproj'
}

# ELF e_machine values and what `uname -m` says on a Pi that runs such a binary.
$script:PiRuntimes = @{
    'linux-arm64' = @{ Machine = 0xB7; Bits = 64; Name = 'ARM aarch64'; Uname = @('aarch64') }
    'linux-arm'   = @{ Machine = 0x28; Bits = 32; Name = 'ARM (32-bit)'; Uname = @('armv7l', 'armv8l', 'aarch64') }
    'linux-x64'   = @{ Machine = 0x3E; Bits = 64; Name = 'x86-64'; Uname = @('x86_64') }
}

function Get-PiArtifact {
    <# .SYNOPSIS The folder and binaries a build of this runtime and flavour produces (or that -NoBuild expects). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $ArtifactsPath)
    foreach ($name in $script:PiPrograms.Keys) {
        [pscustomobject]@{ Name = $name; Path = Join-Path $ArtifactsPath $name }
    }
}

function Invoke-PiBuild {
    <#
    .SYNOPSIS Publishes both programs with `dotnet publish` and fails on any trim/AOT/single-file warning.
    .DESCRIPTION The projects own how a Pi build is made (their .csproj settings for a runtime identifier);
    this only chooses the runtime and the flavour: Aot (-p:PublishAot=true, one native file) or SingleFile
    (self-contained, trimmed, compressed). Build files go to a folder of their own, away from obj/, so a
    publish never disturbs a normal build or test run of the same projects.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] [string] $RepositoryRoot,
        [Parameter(Mandatory)] [string] $Runtime,
        [Parameter(Mandatory)] [ValidateSet('Aot', 'SingleFile')] [string] $Flavour,
        [Parameter(Mandatory)] [string] $ArtifactsPath
    )
    if ($Flavour -eq 'Aot' -and -not $WhatIfPreference) { Assert-PiAotToolchain -Runtime $Runtime }
    foreach ($name in $script:PiPrograms.Keys) {
        $project = Join-Path $RepositoryRoot $script:PiPrograms[$name]
        $objects = Join-Path $RepositoryRoot "artifacts/pi-obj/$Runtime-$Flavour/$name"
        $arguments = @('publish', $project, '-c', 'Release', '-r', $Runtime, '-o', $ArtifactsPath,
            '--artifacts-path', $objects, "-p:PublishAot=$(($Flavour -eq 'Aot').ToString().ToLowerInvariant())",
            # One line per warning, not one summary per assembly, so each can be named.
            '-p:TrimmerSingleWarn=false', '--nologo', '-clp:NoSummary')
        if (-not $PSCmdlet.ShouldProcess('local', "dotnet $($arguments -join ' ')")) { continue }
        Write-Host "  building $name for $Runtime ($Flavour)..."
        $result = Invoke-PiNative -FilePath dotnet -ArgumentList $arguments -TimeoutSeconds 1800
        $log = "$($result.Output)`n$($result.Error)" -split "`r?`n"
        $warnings = @($log | Where-Object { $_ -match '(warning|error) IL\d{4}' } | Sort-Object -Unique)
        if ($warnings.Count -gt 0) {
            throw (New-PiError -Kind Build -Detail $warnings -Message "$name has $($warnings.Count) trim/AOT warning(s) for $Runtime; a Pi build must have none")
        }
        if ($result.ExitCode -ne 0) {
            Assert-PiRuntimePacks -Log $log -Runtime $Runtime
            $errors = @($log | Where-Object { $_ -match '\b(error|warning)\b' } | Sort-Object -Unique | Select-Object -First 20)
            throw (New-PiError -Kind Build -Detail $errors -Message "dotnet publish of $name for $Runtime failed (exit $($result.ExitCode))")
        }
    }
}

function Assert-PiRuntimePacks {
    <#
    .SYNOPSIS A build for a runtime whose .NET packs the NuGet sources do not have fails in restore (NU1101): say
    which packs are missing and what to do, instead of a page of restore errors.
    .DESCRIPTION A self-contained build for linux-arm needs Microsoft.NETCore.App.Runtime.linux-arm and
    Microsoft.NETCore.App.Host.linux-arm (Native AOT also runtime.linux-arm.Microsoft.DotNet.ILCompiler). The public
    NuGet gallery has them; a mirror or offline feed that carries only the linux-arm64 packs does not.
    #>
    param([Parameter(Mandatory)] [AllowEmptyString()] [string[]] $Log, [Parameter(Mandatory)] [string] $Runtime)
    $pattern = "NU1101: Unable to find package ((?:Microsoft\.[A-Za-z]+\.App\.(?:Runtime|Host)|runtime)\.$([regex]::Escape($Runtime))(?:\.Microsoft\.DotNet\.ILCompiler)?)\. .*in source\(s\): (.*?)(?: \[|$)"
    $found = @($Log | ForEach-Object { [regex]::Match($_, $pattern) } | Where-Object Success)
    if ($found.Count -eq 0) { return }
    $packs = @($found | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique)
    $sources = @($found | ForEach-Object { $_.Groups[2].Value.Trim() } | Sort-Object -Unique) -join ', '
    $instead = if ($Runtime -eq 'linux-arm') { '; or flash Raspberry Pi OS (64-bit) and use the default -Runtime linux-arm64' } else { '' }
    throw (New-PiError -Kind Build -Message ("the .NET packs for $Runtime are not on your NuGet source(s) ($sources): $($packs -join ', '); " +
            "a $Runtime build needs them (the public NuGet gallery has them for every .NET release, a mirror or offline feed may not: ``dotnet nuget list source``)$instead"))
}

function Assert-PiAotToolchain {
    <# .SYNOPSIS Native AOT links with the target's C toolchain: say what to install before a long failing build. #>
    param([Parameter(Mandatory)] [string] $Runtime)
    $missing = @('clang') | Where-Object { -not (Get-Command $_ -ErrorAction Ignore) }
    $hostArch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture
    $cross = @{ 'linux-arm64' = @('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu', 'Arm64'); 'linux-arm' = @('arm-linux-gnueabihf-gcc', 'gcc-arm-linux-gnueabihf', 'Arm') }[$Runtime]
    if ($cross -and "$hostArch" -ne $cross[2] -and -not (Get-Command $cross[0] -ErrorAction Ignore)) { $missing += $cross[1] }
    if ($missing) {
        throw (New-PiError -Kind Build -Message "Native AOT for $Runtime needs $($missing -join ' and ') (Debian: apt-get install clang $($cross[1])); or pass -Flavour SingleFile")
    }
}

function Get-PiElfInfo {
    <#
    .SYNOPSIS Reads what a binary needs from the Pi: its ELF machine and bit width, and the newest glibc symbol
    version it links against (the strings GLIBC_2.x in its version-needs table).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Path)
    $bytes = [System.IO.File]::ReadAllBytes($Path)
    $isElf = $bytes.Length -ge 20 -and $bytes[0] -eq 0x7F -and $bytes[1] -eq 0x45 -and $bytes[2] -eq 0x4C -and $bytes[3] -eq 0x46
    $glibc = $null
    $text = [System.Text.Encoding]::Latin1.GetString($bytes)
    foreach ($match in [regex]::Matches($text, 'GLIBC_(2\.\d+(?:\.\d+)?)\x00')) {
        $version = [version] $match.Groups[1].Value
        if ($null -eq $glibc -or $version -gt $glibc) { $glibc = $version }
    }
    [pscustomobject]@{
        Path    = $Path
        Bytes   = $bytes.Length
        IsElf   = $isElf
        Bits    = if ($isElf) { @{ 1 = 32; 2 = 64 }[[int] $bytes[4]] } else { $null }
        Machine = if ($isElf) { [int] $bytes[18] + 256 * [int] $bytes[19] } else { $null }
        Glibc   = $glibc
    }
}

function Assert-PiArtifactRuntime {
    <# .SYNOPSIS Refuses to deploy a binary built for another machine (an x64 build, a stale 32-bit one). #>
    param([Parameter(Mandatory)] $Elf, [Parameter(Mandatory)] [string] $Runtime)
    $expected = $script:PiRuntimes[$Runtime]
    if (-not $Elf.IsElf -or $Elf.Machine -ne $expected.Machine -or $Elf.Bits -ne $expected.Bits) {
        throw (New-PiError -Kind Build -Message "$($Elf.Path) is not a $($expected.Bits)-bit $($expected.Name) ELF executable (built for another runtime?)")
    }
}

function Format-PiSize {
    <# .SYNOPSIS Bytes as MB (1,000,000 bytes), the unit docs/BENCHMARKS.md uses. #>
    param([Parameter(Mandatory)] [long] $Bytes)
    [string]::Format([cultureinfo]::InvariantCulture, '{0:0.00} MB', $Bytes / 1e6)
}
