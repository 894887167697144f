// publish.ps1 deploys to Linux and its tests run there only (sshd, file modes, ELF binaries).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
