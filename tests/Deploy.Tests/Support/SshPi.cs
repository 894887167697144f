using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IotSquares.Deploy.Tests.Support;

/// <summary>
/// A stand-in for a Raspberry Pi reached over ssh: a real OpenSSH <c>sshd</c> on 127.0.0.1 (a free port, a
/// host key and a user key made for this test alone), logging in as the user running the tests. Files are
/// installed under <see cref="Root"/> (publish.ps1's -RemoteRoot). The Pi's system tools are the recording
/// stubs from Stubs/, first on the remote PATH: they log each call to calls.log and take their behaviour
/// from files beside them (see <see cref="FailService"/>, <see cref="SetMachine"/>, <see cref="DenySudo"/>).
/// </summary>
public sealed class SshPi : IAsyncDisposable
{
    private const string Sshd = "/usr/sbin/sshd";
    private static readonly string[] Tools = [Sshd, "ssh", "scp", "ssh-keygen"];
    private readonly Process _sshd;
    private readonly StringBuilder _log;

    private SshPi(string directory, int port, Process sshd, StringBuilder log)
    {
        Directory = directory;
        Port = port;
        _sshd = sshd;
        _log = log;
    }

    /// <summary>Why no test sshd can run here (a tool is missing), or null.</summary>
    public static string? WhyNot
    {
        get
        {
            string[] missing = Tools.Where(tool => ProcessRunner.Find(tool) is null).ToArray();
            return missing.Length == 0 ? null : $"needs {string.Join(", ", missing)} (Debian: apt-get install openssh-server)";
        }
    }

    public string Directory { get; }

    public int Port { get; }

    public string Root => Path.Combine(Directory, "root");

    public string StubDirectory => Path.Combine(Directory, "stubs");

    public string IdentityFile => Path.Combine(Directory, "user_key");

    public string KnownHostsFile => Path.Combine(Directory, "known_hosts");

    /// <summary>user@127.0.0.1:port, as publish.ps1's -ServerHost and -ClientHost take it.</summary>
    public string HostSpec => $"{Environment.UserName}@127.0.0.1:{Port}";

    /// <summary>sshd's own log so far (for failure messages).</summary>
    public string SshdLog
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<SshPi> StartAsync()
    {
        string directory = Path.Combine(Path.GetTempPath(), "pisquare-deploy-tests", Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        await KeyGenAsync(Path.Combine(directory, "host_key"));
        await KeyGenAsync(Path.Combine(directory, "user_key"));
        File.Copy(Path.Combine(directory, "user_key.pub"), Path.Combine(directory, "authorized_keys"));
        CopyStubs(Path.Combine(directory, "stubs"));
        CreateRoot(Path.Combine(directory, "root"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "home"));
        if (Environment.UserName == "root")
        {
            // sshd started as root insists on its privilege separation directory, which a container may lack.
            System.IO.Directory.CreateDirectory("/run/sshd");
        }

        // A port picked free can be taken before sshd binds it: then sshd exits, and we try another.
        string lastLog = string.Empty;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            int port = IotSquares.TestKit.FreePort.OnLoopback();
            string config = WriteConfig(directory, port);
            var log = new StringBuilder();
            var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var info = new ProcessStartInfo(Sshd) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string argument in new[] { "-D", "-e", "-f", config })
            {
                info.ArgumentList.Add(argument);
            }

            var sshd = new Process { StartInfo = info, EnableRaisingEvents = true };
            sshd.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (log)
                {
                    log.AppendLine(e.Data);
                }

                if (e.Data.Contains($"Server listening on 127.0.0.1 port {port}", StringComparison.Ordinal))
                {
                    listening.TrySetResult();
                }
            };
            sshd.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("sshd exited"));
            sshd.Start();
            sshd.BeginErrorReadLine();
            sshd.BeginOutputReadLine();
            try
            {
                await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
                return new SshPi(directory, port, sshd, log);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                KillQuietly(sshd);
                sshd.Dispose();
                lock (log)
                {
                    lastLog = log.ToString();
                }
            }
        }

        throw new InvalidOperationException($"sshd did not start on 127.0.0.1 after 5 attempts:\n{lastLog}");
    }

    /// <summary>The remote tool calls so far, one per line, in order ("systemctl restart x.service", "sudo -n ...").</summary>
    public IReadOnlyList<string> Calls()
    {
        string log = Path.Combine(StubDirectory, "calls.log");
        return File.Exists(log) ? File.ReadAllLines(log) : [];
    }

    public void ClearCalls() => File.Delete(Path.Combine(StubDirectory, "calls.log"));

    /// <summary>Makes a unit fail to start; <paramref name="journal"/> is what journalctl then shows for it.</summary>
    public void FailService(string unit, params string[] journal)
    {
        File.WriteAllText(Path.Combine(StubDirectory, "fail-" + unit), string.Empty);
        File.WriteAllLines(Path.Combine(StubDirectory, "journal-" + unit), journal);
    }

    /// <summary>What `uname -m` says on this "Pi" (aarch64 unless set).</summary>
    public void SetMachine(string machine) => File.WriteAllText(Path.Combine(StubDirectory, "machine"), machine + "\n");

    /// <summary>Makes `sudo -n` refuse, as it does for a user without a NOPASSWD rule.</summary>
    public void DenySudo() => File.WriteAllText(Path.Combine(StubDirectory, "no-sudo"), string.Empty);

    /// <summary>A path on this "Pi" (under the temporary root).</summary>
    public string PathOnPi(string absolute) => Path.Combine(Root, absolute.TrimStart('/'));

    public async ValueTask DisposeAsync()
    {
        KillQuietly(_sshd);
        await _sshd.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        _sshd.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a dying session: the folder is in the temp directory and small.
        }
    }

    private static string WriteConfig(string directory, int port)
    {
        string stubs = Path.Combine(directory, "stubs");
        string config = Path.Combine(directory, "sshd_config");
        File.WriteAllLines(config,
        [
            "ListenAddress 127.0.0.1",
            $"Port {port}",
            $"HostKey {Path.Combine(directory, "host_key")}",
            $"AuthorizedKeysFile {Path.Combine(directory, "authorized_keys")}",
            "PidFile none",
            "StrictModes no",
            "UsePAM no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "Subsystem sftp /usr/lib/openssh/sftp-server",
            // The stubs first on PATH. A plain HOME, so that the test machine's own shell start-up files
            // (a .bashrc that takes seconds under load) do not run before every remote command.
            $"SetEnv HOME={Path.Combine(directory, "home")} PATH={stubs}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ]);
        return config;
    }

    private static async Task KeyGenAsync(string path)
    {
        ProcessRunner.Result result = await ProcessRunner.RunAsync(
            "ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-C", "pisquare-deploy-test", "-f", path], TimeSpan.FromMinutes(1));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ssh-keygen failed: {result}");
        }
    }

    private static void CopyStubs(string destination)
    {
        System.IO.Directory.CreateDirectory(destination);
        foreach (string stub in System.IO.Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Stubs")))
        {
            string target = Path.Combine(destination, Path.GetFileName(stub));
            File.Copy(stub, target);
            File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

    /// <summary>The account files groupadd/useradd --prefix need: a root user and group only.</summary>
    private static void CreateRoot(string root)
    {
        string etc = Path.Combine(root, "etc");
        System.IO.Directory.CreateDirectory(etc);
        File.WriteAllText(Path.Combine(etc, "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        File.WriteAllText(Path.Combine(etc, "group"), "root:x:0:\n");
        File.WriteAllText(Path.Combine(etc, "shadow"), "root:*:19000:0:99999:7:::\n");
        File.WriteAllText(Path.Combine(etc, "gshadow"), "root:*::\n");
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
