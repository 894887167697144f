# publish.ps1 -Config deploy/deploy.example.psd1: the same settings as its parameters; the command line wins.
# Copy it (e.g. to deploy.local.psd1) and edit the copy.
@{
    ServerHost = 'pi@pisquare-server.local'
    ClientHost = 'pi@pisquare-client.local'
    # The name the client Pi uses for the server (default: the host part of ServerHost).
    # ServerAddress = 'pisquare-server.local'
    # IdentityFile = '~/.ssh/id_ed25519'
    # SshPort = 22
    # SshOption = @('UserKnownHostsFile=~/.ssh/known_hosts_pis')
    # Runtime = 'linux-arm64'    # or 'linux-arm' for 32-bit Raspberry Pi OS
    # Flavour = 'Aot'            # or 'SingleFile'
    EnableI2c = $true
}
