# Copying files onto a Pi (only those whose hash differs), accounts the units need, and I2C.

function Install-PiFile {
    <#
    .SYNOPSIS Installs the plan's files that are missing or different on the Pi; returns those it installed.
    .DESCRIPTION Compares SHA-256 hashes with `sha256sum` on the Pi. Changed files are copied with scp into a
    private temporary folder, then moved into place as root: `install` to a new name and `mv` over the old one,
    so a running binary is replaced atomically (its process keeps the old file) and never half-written.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)] $Target, [Parameter(Mandatory)] $Plan)
    $remote = @{}
    $paths = @($Plan.Files | ForEach-Object { Get-PiRemotePath $Target $_.Remote })
    $hashes = Invoke-PiRemote -Target $Target -AsRoot -Script "sha256sum -- $(Join-PiShellCommand $paths) 2>/dev/null || true"
    if ($hashes) {
        foreach ($line in $hashes.Output -split "`r?`n") {
            if ($line -match '^(?<hash>[0-9a-f]{64})\s+\*?(?<path>.+)$') { $remote[$Matches['path']] = $Matches['hash'] }
        }
    }
    $changed = @($Plan.Files | Where-Object { $null -eq $_.Hash -or $remote[(Get-PiRemotePath $Target $_.Remote)] -ne $_.Hash })
    foreach ($file in $Plan.Files | Where-Object { $changed -notcontains $_ }) { Write-Host "  unchanged  $($file.Remote)" }
    if ($changed.Count -eq 0) { return @() }

    $names = @($changed | ForEach-Object { [IO.Path]::GetFileName($_.Source) })
    if (@($names | Sort-Object -Unique).Count -ne $names.Count) { throw "two files to install share a name: $($names -join ', ')" }
    $staging = Invoke-PiRemote -Target $Target -Command @('mktemp', '-d', '/tmp/pisquare-publish.XXXXXX') -Check
    $stagingPath = if ($staging) { $staging.Output.Trim() } else { '/tmp/pisquare-publish.XXXXXX' }
    try {
        Copy-PiFile -Target $Target -Path @($changed.Source) -Destination $stagingPath
        $steps = foreach ($file in $changed) {
            $destination = Get-PiRemotePath $Target $file.Remote
            , @('install', '-D', '-m', $file.Mode, "$stagingPath/$([IO.Path]::GetFileName($file.Source))", "$destination.publish-new")
            , @('mv', '-f', "$destination.publish-new", $destination)
        }
        if (Invoke-PiRemote -Target $Target -AsRoot -Check -Batch $steps) {
            foreach ($file in $changed) {
                $size = if ($file.Kind -eq 'binary') { " ($(Format-PiSize (Get-Item -LiteralPath $file.Source).Length))" } else { '' }
                Write-Host "  installed  $($file.Remote)$size"
            }
        }
    } finally {
        [void] (Invoke-PiRemote -Target $Target -Command @('rm', '-rf', '--', $stagingPath))
    }
    $changed
}

function Initialize-PiAccount {
    <#
    .SYNOPSIS Creates the groups (gpio, i2c and any the units name) and the system user a unit runs as, when missing.
    .DESCRIPTION Raspberry Pi OS has gpio and i2c already; Debian and other images may not. A unit with
    DynamicUser=yes needs no user, only its groups. Under -RemoteRoot the account files of that root are used
    (groupadd/useradd --prefix), so a test never changes the machine's own accounts.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)] $Target, [Parameter(Mandatory)] $Plan)
    $groups = @(@('gpio', 'i2c') + @($Plan.Units | ForEach-Object { $_.Groups }) | Sort-Object -Unique)
    $users = @($Plan.Units | Where-Object { $_.User -and $_.User -ne 'root' -and -not $_.DynamicUser } | Select-Object -ExpandProperty User -Unique)
    $prefix = if ($Target.RemoteRoot) { @('--prefix', $Target.RemoteRoot) } else { @() }
    $groupFile = Get-PiRemotePath $Target '/etc/group'
    $passwdFile = Get-PiRemotePath $Target '/etc/passwd'

    # One look at the account files for everything, then one command per missing account.
    $checks = @($groups | ForEach-Object { "grep -q $(ConvertTo-PiShellWord "^${_}:") $(ConvertTo-PiShellWord $groupFile) || echo group:$_" }) +
        @($users | ForEach-Object { "grep -q $(ConvertTo-PiShellWord "^${_}:") $(ConvertTo-PiShellWord $passwdFile) || echo user:$_" })
    $missing = Invoke-PiRemote -Target $Target -Script (($checks -join '; ') + '; true')
    $absent = if ($missing) { @($missing.Output -split "`r?`n" | Where-Object { $_ }) } else { @($groups | ForEach-Object { "group:$_" }) + @($users | ForEach-Object { "user:$_" }) }

    foreach ($group in $groups | Where-Object { $absent -contains "group:$_" }) {
        if (Invoke-PiRemote -Target $Target -AsRoot -Check -Command (@('groupadd') + $prefix + @('--system', $group))) { Write-Host "  created group $group" }
    }
    foreach ($user in $users | Where-Object { $absent -contains "user:$_" }) {
        $unitGroups = @($Plan.Units | Where-Object User -eq $user | ForEach-Object { $_.Groups } | Sort-Object -Unique)
        $groupArgs = if ($unitGroups) { @('--groups', ($unitGroups -join ',')) } else { @() }
        $useradd = @('useradd') + $prefix + @('--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin') + $groupArgs + @($user)
        if (Invoke-PiRemote -Target $Target -AsRoot -Check -Command $useradd) { Write-Host "  created system user $user" }
    }
}

function Enable-PiI2c {
    <#
    .SYNOPSIS Turns the I2C bus on with raspi-config when it is off; returns $true when a reboot is needed.
    .DESCRIPTION raspi-config sets dtparam=i2c_arm=on in config.txt and loads i2c-dev; only a reboot makes the
    setting certain. Without raspi-config (not Raspberry Pi OS) it says what to do and changes nothing.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([bool])]
    param([Parameter(Mandatory)] $Target)
    $sudo = if ($Target.Sudo) { 'sudo -n ' } else { '' }
    # get_i2c prints 0 when I2C is on (raspi-config's convention: 0 = enabled).
    $state = Invoke-PiRemote -Target $Target -Script "if command -v raspi-config >/dev/null; then ${sudo}raspi-config nonint get_i2c; else echo absent; fi"
    if ($state -and $state.Output.Trim() -eq 'absent') {
        Write-Warning "$($Target.Display): raspi-config not found; enable I2C yourself (dtparam=i2c_arm=on in config.txt, then reboot)"
        return $false
    }
    if ($state -and $state.ExitCode -eq 0 -and $state.Output.Trim() -eq '0') {
        Write-Host '  I2C already enabled'
        return $false
    }
    if (-not (Invoke-PiRemote -Target $Target -AsRoot -Check -Command @('raspi-config', 'nonint', 'do_i2c', '0'))) { return $false }
    Write-Host '  I2C enabled (raspi-config nonint do_i2c 0)'
    $true
}
