# Before anything is copied: can we reach the Pi, may we be root there, and can it run what we built?

function Test-PiHost {
    <#
    .SYNOPSIS Checks a Pi over ssh: reachable, passwordless sudo (or root), the architecture the build is for
    (`uname -m` and the userland's bit width), and a glibc at least as new as the binary needs.
    .DESCRIPTION Sets $Target.Sudo and $Target.Facts. Throws one clear error per failure. With -WhatIf it only
    prints the commands.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] $Target,
        [Parameter(Mandatory)] [string] $Runtime,
        # The newest glibc symbol version the binary for this Pi links against (none known: not checked).
        [version] $RequiredGlibc
    )
    # One ssh session for all the checks (a slow Pi pays for one login): one answer per line.
    $script = 'uname -m; getconf LONG_BIT; getconf GNU_LIBC_VERSION 2>/dev/null || ldd --version 2>&1 | head -n 1; id -u; id -un; ' +
        'if command -v sudo >/dev/null 2>&1; then if out=$(sudo -n true 2>&1); then echo sudo:ok; ' +
        'else echo "sudo:denied:$(echo "$out" | tail -n 1)"; fi; else echo sudo:absent; fi'
    $probe = Invoke-PiRemote -Target $Target -Script $script -TimeoutSeconds 60
    if ($null -eq $probe) { return }
    $lines = @(($probe.Output -split "`r?`n").Trim() | Where-Object { $_ })
    if ($probe.ExitCode -ne 0 -or $lines.Count -lt 6 -or $lines[5] -notmatch '^sudo:(?<state>ok|absent|denied)(:(?<why>.*))?$') {
        throw (New-PiError -Kind Remote -Message "$($Target.Display) did not answer the system checks: $(Get-PiLastLine $probe.Error $probe.Output)")
    }
    $sudo, $sudoWhy = $Matches['state'], $Matches['why']
    $facts = [pscustomobject]@{
        Machine = $lines[0]
        Bits    = [int] $lines[1]
        Glibc   = if ($lines[2] -match '(\d+\.\d+)\S*\s*$') { [version] $Matches[1] } else { $null }
        Uid     = [int] $lines[3]
        User    = $lines[4]
        HasSudo = $sudo -ne 'absent'
    }
    $Target.Facts = $facts

    # Root without sudo (a minimal image) runs the root steps directly; everyone else needs `sudo -n`.
    $Target.Sudo = -not ($facts.Uid -eq 0 -and $sudo -eq 'absent')
    if ($Target.Sudo -and $sudo -ne 'ok') {
        $why = if ($sudo -eq 'absent') { 'sudo is not installed' } else { $sudoWhy }
        throw (New-PiError -Kind Sudo -Message ("no passwordless sudo for $($facts.User) on $($Target.Display) ($why); " +
                "Raspberry Pi OS's first user has it, or add '$($facts.User) ALL=(ALL) NOPASSWD: ALL' in /etc/sudoers.d/"))
    }
    Assert-PiPlatform -Target $Target -Runtime $Runtime -RequiredGlibc $RequiredGlibc
    $facts
}

function Assert-PiPlatform {
    <# .SYNOPSIS Wrong architecture and old glibc, each with what to do about it. #>
    param([Parameter(Mandatory)] $Target, [Parameter(Mandatory)] [string] $Runtime, [version] $RequiredGlibc)
    $facts = $Target.Facts
    $expected = $script:PiRuntimes[$Runtime]
    if ($facts.Machine -eq 'armv6l') {
        throw (New-PiError -Kind Platform -Message "wrong architecture: $($Target.Display) is armv6l (Pi Zero/1); .NET needs ARMv7 or newer")
    }
    if ($expected.Uname -notcontains $facts.Machine -or $facts.Bits -ne $expected.Bits) {
        $hint = if ($facts.Bits -eq 32 -and $Runtime -eq 'linux-arm64') { '; it runs a 32-bit OS: flash Raspberry Pi OS (64-bit) or pass -Runtime linux-arm' }
        elseif ($facts.Bits -eq 64 -and $Runtime -eq 'linux-arm') { '; it runs a 64-bit OS: use the default -Runtime linux-arm64' }
        else { '' }
        throw (New-PiError -Kind Platform -Message "wrong architecture: $($Target.Display) is $($facts.Machine) with a $($facts.Bits)-bit userland, this build is $Runtime ($($expected.Name))$hint")
    }
    if ($RequiredGlibc -and $null -eq $facts.Glibc) {
        throw (New-PiError -Kind Platform -Message "$($Target.Display) has no glibc that getconf or ldd can name; the binaries need glibc $RequiredGlibc or newer")
    }
    if ($RequiredGlibc -and $facts.Glibc -lt $RequiredGlibc) {
        throw (New-PiError -Kind Platform -Message ("old glibc: $($Target.Display) has $($facts.Glibc), the $Runtime binaries need $RequiredGlibc or newer " +
                "(Raspberry Pi OS bookworm has 2.36); upgrade the OS, or try -Flavour SingleFile"))
    }
}
