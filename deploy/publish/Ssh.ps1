# One Pi as seen from here: how to reach it with ssh/scp, and the one function that runs a command on it.

function ConvertTo-PiTarget {
    <#
    .SYNOPSIS Parses "user@host", "user@host:port" or "user@[ipv6]:port" into everything ssh and scp need.
    .DESCRIPTION Each Pi may have its own port (two port forwards on 127.0.0.1 in the virtual Pi lab), so a
    port in the host string wins over -SshPort. All ssh connections of one run share a master connection
    (ControlMaster), so the twenty-odd steps of a deploy cost one ssh handshake per Pi.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Spec,
        [Parameter(Mandatory)] [ValidateSet('server', 'client')] [string] $Role,
        [int] $DefaultPort = 22,
        [string] $IdentityFile,
        [string[]] $SshOption = @(),
        [string] $RemoteRoot = '',
        [Parameter(Mandatory)] [string] $ControlDirectory
    )
    if ($Spec -notmatch '^(?:(?<user>[^@\s]+)@)?(?:\[(?<v6>[^\]]+)\]|(?<name>[^:@\s\[\]]+))(?::(?<port>\d{1,5}))?$') {
        throw (New-PiError -Kind Usage -Message "-$((Get-Culture).TextInfo.ToTitleCase($Role))Host '$Spec' is not user@host or user@host:port")
    }
    $hostName = if ($Matches['v6']) { $Matches['v6'] } else { $Matches['name'] }
    $user = $Matches['user']
    $port = if ($Matches['port']) { [int] $Matches['port'] } else { $DefaultPort }
    $scpHost = if ($Matches['v6']) { "[$hostName]" } else { $hostName }
    if ($user) { $scpHost = "$user@$scpHost" }

    # ssh keeps the first value it is given for each option: the caller's -SshOption come first, so they win.
    $options = $SshOption + @(
        'BatchMode=yes'                    # never prompt: a missing key is an error, not a hang
        'ConnectTimeout=10'
        'StrictHostKeyChecking=accept-new' # a freshly flashed Pi is trusted once, then pinned
        'ServerAliveInterval=5'
        'ServerAliveCountMax=6'
        'ControlMaster=auto'
        "ControlPath=$ControlDirectory/%C"
        'ControlPersist=60'                # a safety net: Close-PiConnection ends it explicitly
    )
    $common = @()
    if ($IdentityFile) { $common += @('-i', $IdentityFile) }
    foreach ($option in $options) { $common += @('-o', $option) }

    $sshOptions = @('-p', "$port") + $common
    $destination = if ($user) { "$user@$hostName" } else { $hostName }
    [pscustomobject]@{
        Role        = $Role
        Display     = $Spec
        HostName    = $hostName
        Port        = $port
        SshOptions  = $sshOptions
        Destination = $destination
        SshArgs     = $sshOptions + @('--', $destination)
        ScpArgs     = @('-q', '-P', "$port") + $common
        ScpHost     = $scpHost
        RemoteRoot  = $RemoteRoot.TrimEnd('/')
        # Decided by Test-PiHost: no sudo when logged in as root on a system without it.
        Sudo        = $true
        Facts       = $null
    }
}

function Get-PiRemotePath {
    <# .SYNOPSIS A path on the Pi, under -RemoteRoot when one is given (tests install into a temporary root). #>
    param([Parameter(Mandatory)] $Target, [Parameter(Mandatory)] [string] $Path)
    "$($Target.RemoteRoot)$Path"
}

function Invoke-PiRemote {
    <#
    .SYNOPSIS Runs commands on a Pi over ssh; with -WhatIf, only prints them and returns $null.
    .DESCRIPTION -Command words are quoted for the remote shell; -Batch runs several such commands joined with
    && in one ssh session (a slow Pi pays for one login, not one per step); -Script is passed as it is (for
    pipes and redirections). -AsRoot prefixes each command with "sudo -n", so a missing sudo rule fails at once
    instead of prompting. ssh's own failures (exit 255: unreachable, key refused) always throw; a failing
    command throws only with -Check.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] $Target,
        [Parameter(Mandatory, ParameterSetName = 'Words')] [string[]] $Command,
        [Parameter(Mandatory, ParameterSetName = 'Batch')] [object[]] $Batch,
        [Parameter(Mandatory, ParameterSetName = 'Script')] [string] $Script,
        [switch] $AsRoot,
        [switch] $Check,
        [int] $TimeoutSeconds = 300
    )
    $texts = switch ($PSCmdlet.ParameterSetName) {
        'Words' { , (Join-PiShellCommand $Command) }
        'Batch' { foreach ($words in $Batch) { Join-PiShellCommand ([string[]] $words) } }
        'Script' { , $Script }
    }
    if ($AsRoot -and $Target.Sudo) { $texts = @($texts | ForEach-Object { "sudo -n $_" }) }
    # Every command is shown on its own line under -WhatIf, even when a batch runs them in one session.
    $confirmed = @($texts | Where-Object { $PSCmdlet.ShouldProcess($Target.Display, $_) })
    if ($confirmed.Count -ne @($texts).Count) { return $null }
    $text = $texts -join ' && '
    Write-Verbose "[$($Target.Display)] $text"
    $result = Invoke-PiNative -FilePath ssh -ArgumentList ($Target.SshArgs + $text) -TimeoutSeconds $TimeoutSeconds
    if ($result.ExitCode -eq 255) {
        throw (New-PiError -Kind Unreachable -Message "cannot reach $($Target.Display) over ssh (port $($Target.Port)): $(Get-PiLastLine $result.Error)")
    }
    if ($Check -and $result.ExitCode -ne 0) {
        throw (New-PiError -Kind Remote -Message "on $($Target.Display), '$text' failed (exit $($result.ExitCode)): $(Get-PiLastLine $result.Error $result.Output)")
    }
    $result
}

function Copy-PiFile {
    <# .SYNOPSIS Copies local files into a directory on a Pi with scp (through the same master connection). #>
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)] $Target, [Parameter(Mandatory)] [string[]] $Path, [Parameter(Mandatory)] [string] $Destination)
    $arguments = $Target.ScpArgs + @('--') + $Path + "$($Target.ScpHost):$Destination/"
    if (-not $PSCmdlet.ShouldProcess($Target.Display, "scp $($Path -join ' ') $($Target.ScpHost):$Destination/")) { return }
    $result = Invoke-PiNative -FilePath scp -ArgumentList $arguments -TimeoutSeconds 900
    if ($result.ExitCode -ne 0) {
        throw (New-PiError -Kind Remote -Message "copying to $($Target.Display) failed: $(Get-PiLastLine $result.Error)")
    }
}

function Close-PiConnection {
    <# .SYNOPSIS Ends the shared ssh master connection of a Pi, so nothing of ours keeps running. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Target)
    [void] (Invoke-PiNative -FilePath ssh -ArgumentList ($Target.SshOptions + @('-O', 'exit', $Target.Destination)) -TimeoutSeconds 15)
}

function Get-PiLastLine {
    <# .SYNOPSIS The last meaningful line of a program's output, for one-line error messages. #>
    param([string] $Text, [string] $Fallback = '')
    $lines = @("$Text`n$Fallback" -split "`r?`n" | Where-Object { $_.Trim() -and $_ -notmatch '^Warning: Permanently added' })
    if ($lines.Count -eq 0) { return '(no output)' }
    $lines[-1].Trim()
}
