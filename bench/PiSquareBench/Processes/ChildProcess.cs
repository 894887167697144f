using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using IotSquares.TestKit;

namespace IotSquares.Bench.Processes;

/// <summary>
/// A server the tool starts (ours, the native one, the textbook's): its output read as it comes,
/// the moment it says <c>Listening on …</c> noted, and the process killed when disposed, whatever happened.
/// </summary>
internal sealed partial class ChildProcess : IDisposable
{
    private const int TailLines = 40;

    private readonly Process _process;
    private readonly Stopwatch _sinceStart;
    private readonly Queue<string> _tail = new();
    private readonly TaskCompletionSource<ListeningLine> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lines;

    private ChildProcess(Process process, Stopwatch sinceStart, string name)
    {
        _process = process;
        _sinceStart = sinceStart;
        Name = name;
    }

    /// <summary>What the report calls it.</summary>
    public string Name { get; }

    /// <summary>Its process id.</summary>
    public int Pid => _process.Id;

    /// <summary>True once it has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Lines it has written so far.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Completes with the port and the time since Process.Start when the process writes "Listening on … port".</summary>
    public Task<ListeningLine> Listening => _listening.Task;

    /// <summary>Time since just before Process.Start.</summary>
    public TimeSpan SinceStart => _sinceStart.Elapsed;

    /// <summary>The last lines it wrote, for error messages.</summary>
    public string Tail()
    {
        lock (_tail)
        {
            return string.Join(Environment.NewLine, _tail);
        }
    }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>.</summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var clock = new Stopwatch();
        var child = new ChildProcess(process, clock, name);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        clock.Start();
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new BenchException($"cannot start {name} ({fileName}): {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the "Listening on" line; throws with the process's output when it does not come in time.</summary>
    public async Task<ListeningLine> WaitListeningAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        Task exited = _process.WaitForExitAsync(timer.Token);
        Task first = await Task.WhenAny(Listening, exited);
        if (first == Listening)
        {
            return await Listening;
        }

        cancellationToken.ThrowIfCancellationRequested();
        string why = _process.HasExited
            ? string.Create(CultureInfo.InvariantCulture, $"exited with code {_process.ExitCode}")
            : string.Create(CultureInfo.InvariantCulture, $"did not say 'Listening on' within {timeout.TotalSeconds:0} s");
        throw new BenchException($"{Name} {why}:{Environment.NewLine}{Tail()}");
    }

    /// <summary>SIGTERM (as systemd stops a service), then SIGKILL if it has not exited within <paramref name="timeout"/>; returns the exit code, null if killed.</summary>
    public async Task<int?> StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return _process.ExitCode;
        }

        _ = LinuxProcessCalls.Kill(_process.Id, LinuxProcessCalls.SigTerm);
        using var timer = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(timer.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Kill();
            return null;
        }
    }

    /// <summary>Waits for it to end by itself; kills it after <paramref name="timeout"/>. Returns the exit code, null if killed.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var timer = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(timer.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Kill();
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        Interlocked.Increment(ref _lines);
        if (!_listening.Task.IsCompleted)
        {
            Match match = ListeningPattern().Match(line);
            if (match.Success)
            {
                _listening.TrySetResult(new ListeningLine(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), _sinceStart.Elapsed));
            }
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }

    // "Listening on 127.0.0.1:40123 (at most …)" (ours), "Listening on port 40123" (the native and the textbook's servers).
    [GeneratedRegex(@"Listening on (?:port |\S*?:)(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ListeningPattern();
}

/// <summary>The port a server said it listens on, and when it said so.</summary>
internal sealed record ListeningLine(int Port, TimeSpan SinceStart);
