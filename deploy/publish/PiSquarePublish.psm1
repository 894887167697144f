# The helpers behind publish.ps1, one concern per file. publish.ps1 is the only intended caller.
Set-StrictMode -Version Latest

foreach ($part in 'Native', 'Errors', 'Ssh', 'Build', 'Plan', 'Probe', 'Install', 'Services') {
    . (Join-Path $PSScriptRoot "$part.ps1")
}

Export-ModuleMember -Function @(
    'New-PiError', 'Get-PiErrorExitCode',
    'ConvertTo-PiTarget', 'Close-PiConnection',
    'Invoke-PiBuild', 'Get-PiArtifact', 'Get-PiElfInfo', 'Assert-PiArtifactRuntime', 'Format-PiSize',
    'Get-PiDeployPlan',
    'Test-PiHost',
    'Install-PiFile', 'Initialize-PiAccount', 'Enable-PiI2c',
    'Update-PiService', 'Show-PiJournal'
)
