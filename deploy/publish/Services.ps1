# systemd on the Pi: reload, enable, restart only what changed, wait for `active`, show the journal.

function Update-PiService {
    <#
    .SYNOPSIS Enables the role's units and (re)starts them when something of theirs changed; waits for active.
    .DESCRIPTION After a change: daemon-reload (when a unit file changed), enable, restart. With nothing
    changed: enable --now, which starts a stopped unit and leaves a running one alone. Then polls
    `systemctl is-active` until active, failed, or the deadline; a unit that does not come up fails the
    deploy with the last lines of its journal.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)] $Target,
        [Parameter(Mandatory)] $Plan,
        [AllowEmptyCollection()] [object[]] $Changed = @(),
        [int] $StartTimeoutSeconds = 120
    )
    $enabled = @($Plan.Units | Where-Object Enable)
    if ($Changed.Count -gt 0) {
        $steps = @()
        if (@($Changed | Where-Object Kind -eq 'unit').Count -gt 0) { $steps += , @('systemctl', 'daemon-reload') }
        if ($enabled) { $steps += , (@('systemctl', 'enable') + $enabled.Name) }
        if ($steps) { [void] (Invoke-PiRemote -Target $Target -AsRoot -Check -Batch $steps) }
    }
    foreach ($unit in $enabled) {
        if ($Changed.Count -gt 0) {
            $start = Invoke-PiRemote -Target $Target -AsRoot -Command @('systemctl', 'restart', $unit.Name) -TimeoutSeconds ($StartTimeoutSeconds + 30)
            $verb = 'restarted'
        } else {
            $start = Invoke-PiRemote -Target $Target -AsRoot -Command @('systemctl', 'enable', '--now', $unit.Name) -TimeoutSeconds ($StartTimeoutSeconds + 30)
            $verb = 'unchanged, not restarted,'
        }
        if ($null -eq $start) { continue }
        $state = if ($start.ExitCode -eq 0) { Wait-PiUnit -Target $Target -Unit $unit.Name -TimeoutSeconds $StartTimeoutSeconds } else { 'failed' }
        if ($state -ne 'active') {
            $journal = Get-PiJournal -Target $Target -Unit $unit.Name -Lines 20
            $last = if ($journal) { $journal[-1] } else { Get-PiLastLine $start.Error }
            throw (New-PiError -Kind Service -Detail $journal -Message "$($unit.Name) on $($Target.Display) failed to start (state: $state): $last")
        }
        Write-Host "  $verb $($unit.Name): active"
    }
}

function Wait-PiUnit {
    <# .SYNOPSIS Polls `systemctl is-active` until active or failed, or the deadline; returns the last state. #>
    param([Parameter(Mandatory)] $Target, [Parameter(Mandatory)] [string] $Unit, [int] $TimeoutSeconds = 120)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $state = 'unknown'
    do {
        $result = Invoke-PiRemote -Target $Target -Command @('systemctl', 'is-active', $Unit) -TimeoutSeconds 60
        $state = Get-PiLastLine $result.Output
        if ($state -in 'active', 'failed') { return $state }
        Start-Sleep -Milliseconds 500
    } while ([DateTime]::UtcNow -lt $deadline)
    "$state after $TimeoutSeconds s"
}

function Get-PiJournal {
    <# .SYNOPSIS The last lines a unit wrote to the journal (empty when journalctl has none or fails). #>
    param([Parameter(Mandatory)] $Target, [Parameter(Mandatory)] [string] $Unit, [int] $Lines = 10)
    $result = Invoke-PiRemote -Target $Target -AsRoot -Command @('journalctl', '-u', $Unit, '-n', "$Lines", '--no-pager', '-o', 'short-iso')
    if ($null -eq $result) { return @() }
    @($result.Output -split "`r?`n" | Where-Object { $_.Trim() })
}

function Show-PiJournal {
    <# .SYNOPSIS Prints the last journal lines of each of the role's units. #>
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)] $Target, [Parameter(Mandatory)] $Plan, [int] $Lines = 10)
    foreach ($unit in $Plan.Units | Where-Object Enable) {
        Write-Host "-- journalctl -u $($unit.Name) -n $Lines on $($Target.Display)"
        Get-PiJournal -Target $Target -Unit $unit.Name -Lines $Lines | ForEach-Object { Write-Host "  $_" }
    }
}
