# One kind per failure a user can act on, each with its own exit code (documented in publish.ps1's help).
$script:PiErrorExitCodes = [ordered]@{
    Usage       = 2
    Build       = 3
    Unreachable = 4
    Sudo        = 5
    Platform    = 6
    Service     = 7
    Remote      = 8
}

function New-PiError {
    <# .SYNOPSIS Makes the exception for a failure of a known kind; publish.ps1 prints its message as one line. #>
    [CmdletBinding()]
    [OutputType([System.Exception])]
    param(
        [Parameter(Mandatory)] [ValidateScript({ $script:PiErrorExitCodes.Contains($_) })] [string] $Kind,
        [Parameter(Mandatory)] [string] $Message,
        # Lines shown before the message (a journal, a build log excerpt).
        [string[]] $Detail = @()
    )
    $exception = [System.InvalidOperationException]::new($Message)
    $exception.Data['PiKind'] = $Kind
    $exception.Data['PiDetail'] = $Detail
    $exception
}

function Get-PiErrorExitCode {
    <# .SYNOPSIS The exit code for an exception: its kind's code, or 1 for anything unexpected. #>
    [CmdletBinding()]
    [OutputType([int])]
    param([Parameter(Mandatory)] [System.Exception] $Exception)
    $kind = $Exception.Data['PiKind']
    if ($kind -and $script:PiErrorExitCodes.Contains($kind)) { return $script:PiErrorExitCodes[$kind] }
    1
}
