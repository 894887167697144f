# What goes onto each Pi: its binary, its systemd units and their configuration (both from deploy/systemd/;
# configuration is installed in /etc/pisquare/), the documents the units name, with the SHA-256 of each
# file so that a second run copies and restarts only what changed.

$script:PiUnitPattern = '\.(service|socket|timer|path|target)$'

function Get-PiDeployPlan {
    <#
    .SYNOPSIS The files and units for one role (server or client).
    .DESCRIPTION Units named pisquare-server* go to the server Pi, pisquare-client* to the client Pi, any other
    unit to both. The binary is installed where the role's unit runs it (its ExecStart), so the units decide
    the layout. The other files of deploy/systemd/ are configuration for /etc/pisquare/: those named client*
    go to the client Pi, the rest (server.env, appsettings.json) to the server Pi. The client's client.env
    always carries the server's address (PISQUARE_SERVER), set by this script. A unit's
    Documentation=file:/path/NAME is installed from docs/NAME when the repository has it.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [ValidateSet('server', 'client')] [string] $Role,
        [Parameter(Mandatory)] [string] $DeployPath,
        [Parameter(Mandatory)] [string] $ArtifactsPath,
        [Parameter(Mandatory)] [string] $DocsPath,
        [string] $ServerAddress,
        [Parameter(Mandatory)] [string] $ScratchDirectory
    )
    $program = @{ server = 'PiSquareServer'; client = 'PiSquareClient' }[$Role]
    $other = @{ server = 'client'; client = 'server' }[$Role]
    $sources = @(Get-ChildItem -File -Path (Join-Path $DeployPath 'systemd') -ErrorAction Ignore |
            Where-Object { -not $_.Name.StartsWith($other) -and -not $_.Name.StartsWith("pisquare-$other") -and $_.Extension -ne '.md' } |
            Sort-Object Name)
    $units = @($sources | Where-Object Name -Match $script:PiUnitPattern | ForEach-Object { Read-PiUnit -Path $_.FullName })
    if ($units.Count -eq 0) {
        throw (New-PiError -Kind Usage -Message "no systemd units for the $Role Pi in $(Join-Path $DeployPath 'systemd')")
    }

    $binaryTarget = @($units | ForEach-Object { $_.Executables }) | Where-Object { [IO.Path]::GetFileName($_) -eq $program } | Select-Object -First 1
    if (-not $binaryTarget) { $binaryTarget = "/opt/pisquare/bin/$program" }
    $files = @(New-PiFile -Kind binary -Source (Join-Path $ArtifactsPath $program) -Remote $binaryTarget -Mode '0755')
    foreach ($unit in $units) { $files += New-PiFile -Kind unit -Source $unit.Path -Remote "/etc/systemd/system/$($unit.Name)" -Mode '0644' }
    foreach ($document in @($units | ForEach-Object { $_.Documents }) | Sort-Object -Unique) {
        $source = Join-Path $DocsPath ([IO.Path]::GetFileName($document))
        if (Test-Path -LiteralPath $source) { $files += New-PiFile -Kind document -Source $source -Remote $document -Mode '0644' }
    }

    # Configuration is read by the services' own (dynamic) users: world-readable, and it holds no secrets.
    $configs = @($sources | Where-Object Name -NotMatch $script:PiUnitPattern)
    foreach ($config in $configs | Where-Object Name -ne 'client.env') {
        $files += New-PiFile -Kind config -Source $config.FullName -Remote "/etc/pisquare/$($config.Name)" -Mode '0644'
    }
    if ($Role -eq 'client') {
        $template = $configs | Where-Object Name -eq 'client.env' | Select-Object -First 1
        $text = if ($template) { Get-Content -Raw -LiteralPath $template.FullName } else { '' }
        $generated = Join-Path $ScratchDirectory 'client.env'
        [IO.File]::WriteAllText($generated, (Set-PiEnvLine -Text $text -Key 'PISQUARE_SERVER' -Value $ServerAddress))
        $files += New-PiFile -Kind config -Source $generated -Remote '/etc/pisquare/client.env' -Mode '0644'
    }
    [pscustomobject]@{ Role = $Role; Program = $program; Files = $files; Units = $units }
}

function New-PiFile {
    param([string] $Kind, [string] $Source, [string] $Remote, [string] $Mode)
    $hash = if (Test-Path -LiteralPath $Source) { (Get-FileHash -Algorithm SHA256 -LiteralPath $Source).Hash.ToLowerInvariant() } else { $null }
    [pscustomobject]@{ Kind = $Kind; Source = $Source; Remote = $Remote; Mode = $Mode; Hash = $hash }
}

function Read-PiUnit {
    <#
    .SYNOPSIS What publish.ps1 needs to know from a unit file: whether it can be enabled ([Install]), the
    account it runs as (User=, DynamicUser=, SupplementaryGroups=) and the programs it runs (ExecStart=).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Path)
    $settings = @{}
    $sections = @()
    foreach ($line in Get-Content -LiteralPath $Path) {
        if ($line -match '^\s*\[(?<name>[^\]]+)\]') { $sections += $Matches['name']; continue }
        if ($line -match '^\s*(?<key>[A-Za-z]+)\s*=\s*(?<value>.*)$') {
            $settings[$Matches['key']] = @($settings[$Matches['key']]) + $Matches['value'].Trim() | Where-Object { $null -ne $_ }
        }
    }
    $one = { param($key) if ($settings.ContainsKey($key)) { @($settings[$key])[-1] } else { '' } }
    $executables = @($settings['ExecStart'] | Where-Object { $_ } | ForEach-Object { ($_ -split '\s+')[0].TrimStart('-', '@', ':', '+', '!') })
    $documents = @(@($settings['Documentation']) | ForEach-Object { "$_" -split '\s+' } | Where-Object { $_ -like 'file:/*' } | ForEach-Object { $_.Substring(5) })
    $name = [IO.Path]::GetFileName($Path)
    [pscustomobject]@{
        Name        = $name
        Path        = $Path
        Kind        = [IO.Path]::GetExtension($name).TrimStart('.')
        Enable      = ($sections -contains 'Install') -and $name -notmatch '@\.'
        User        = & $one 'User'
        DynamicUser = (& $one 'DynamicUser') -match '^(yes|true|1|on)$'
        Groups      = @(@($settings['SupplementaryGroups']) + @(& $one 'Group') | ForEach-Object { "$_" -split '\s+' } | Where-Object { $_ } | Sort-Object -Unique)
        Executables = $executables
        Documents   = $documents
    }
}

function Set-PiEnvLine {
    <# .SYNOPSIS Sets KEY=value in the text of an environment file: replaces the line if present, else appends it. #>
    param([AllowEmptyString()] [string] $Text, [string] $Key, [string] $Value)
    $line = "$Key=$Value"
    $pattern = "(?m)^\s*$([regex]::Escape($Key))=.*$"
    if ($Text -match $pattern) { return ([regex]::Replace($Text, $pattern, $line)) }
    if ($Text -and -not $Text.EndsWith("`n")) { $Text += "`n" }
    "$Text$line`n"
}
