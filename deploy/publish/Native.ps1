# Running programs (ssh, scp, dotnet) with their output captured separately, and POSIX shell quoting.

function Invoke-PiNative {
    <#
    .SYNOPSIS Runs a program with an argument list (no shell), returns its exit code, stdout and stderr.
    .DESCRIPTION Uses System.Diagnostics.Process rather than the call operator so that stdout and stderr stay
    apart (an ssh error must not be mistaken for a remote command's output) and so that a timeout can end it.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [int] $TimeoutSeconds = 600,
        # Lines of stdout are also written here as they arrive (a long build shows progress).
        [switch] $Stream
    )
    $info = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($argument in $ArgumentList) { $info.ArgumentList.Add($argument) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.RedirectStandardInput = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::new()
    $process.StartInfo = $info
    try {
        [void] $process.Start()
    } catch {
        throw "cannot run ${FilePath}: $($_.Exception.Message)"
    }
    # Nothing is ever typed into a remote command: ssh must not wait for a password or a prompt.
    $process.StandardInput.Close()
    $stderr = $process.StandardError.ReadToEndAsync()
    $stdout = [System.Text.StringBuilder]::new()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $timedOut = $false
    while ($true) {
        # Read with a deadline: a silent, hung ssh must not hang the deploy.
        $read = $process.StandardOutput.ReadLineAsync()
        $left = [Math]::Max(0, [int] ($deadline - [DateTime]::UtcNow).TotalMilliseconds)
        if (-not $read.Wait($left)) { $timedOut = $true; break }
        if ($null -eq $read.Result) { break }
        [void] $stdout.AppendLine($read.Result)
        if ($Stream) { Write-Host "    $($read.Result)" }
    }
    if ($timedOut -or -not $process.WaitForExit([Math]::Max(0, [int] ($deadline - [DateTime]::UtcNow).TotalMilliseconds))) {
        $process.Kill($true)
        [void] $process.WaitForExit(5000)
        return [pscustomobject]@{ ExitCode = 124; Output = $stdout.ToString(); Error = "timed out after $TimeoutSeconds s" }
    }
    $process.WaitForExit()
    [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.ToString(); Error = $stderr.Result }
}

function ConvertTo-PiShellWord {
    <# .SYNOPSIS Quotes one word for a POSIX shell (the remote side of ssh always goes through one). #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory, ValueFromPipeline)] [AllowEmptyString()] [string] $Word)
    process {
        if ($Word -match '^[A-Za-z0-9_./:=@%+,-]+$') { return $Word }
        "'" + $Word.Replace("'", "'\''") + "'"
    }
}

function Join-PiShellCommand {
    <# .SYNOPSIS Quotes each word and joins them: the text of one remote command. #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [string[]] $Word)
    ($Word | ConvertTo-PiShellWord) -join ' '
}
