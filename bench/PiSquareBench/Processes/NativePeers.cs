using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IotSquares.Bench.Processes;

/// <summary>The native reference peers of bench/native: compiled with gcc -O2 when needed, then run.</summary>
internal sealed class NativePeers
{
    private const string ServerName = "squares_server";
    private const string ClientName = "squares_client";

    private NativePeers(string directory)
    {
        Directory = directory;
    }

    /// <summary>Where the binaries are.</summary>
    public string Directory { get; }

    /// <summary>The server binary.</summary>
    public string Server => Path.Combine(Directory, ServerName);

    /// <summary>The client binary.</summary>
    public string Client => Path.Combine(Directory, ClientName);

    /// <summary>
    /// Uses the binaries in <paramref name="prebuilt"/> when given; otherwise compiles bench/native into
    /// <paramref name="output"/> with gcc -O2 (only what is missing or older than its sources).
    /// </summary>
    public static NativePeers Prepare(string? prebuilt, string sources, string output, TextWriter log)
    {
        if (prebuilt is not null)
        {
            var given = new NativePeers(Path.GetFullPath(prebuilt));
            if (!File.Exists(given.Server) || !File.Exists(given.Client))
            {
                throw new BenchException($"--native-bin {prebuilt} does not hold {ServerName} and {ClientName} (build them with: make -C bench/native)");
            }

            return given;
        }

        System.IO.Directory.CreateDirectory(output);
        var peers = new NativePeers(Path.GetFullPath(output));
        string header = Path.Combine(sources, "squares_common.h");
        Compile(Path.Combine(sources, ServerName + ".c"), header, peers.Server, log);
        Compile(Path.Combine(sources, ClientName + ".c"), header, peers.Client, log);
        return peers;
    }

    /// <summary>
    /// Starts the native server until killed (it ends itself after an hour at most): <paramref name="poll"/> "block" or
    /// "busy" serve one connection at a time, "epoll" serves many at once (lines only).
    /// </summary>
    public ChildProcess StartServer(string name, string mode, string poll, int port = 0) =>
        ChildProcess.Start(name, Server, [
            "--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--mode", mode,
            "--poll", poll, "--lifetime", "3600", "--idle", "30",
        ]);

    /// <summary>
    /// Runs the native client to the end and returns what it measured, with every round trip in lockstep;
    /// throws if it failed (a wrong square is a failure).
    /// </summary>
    public async Task<NativeResult> RunClientAsync(NativeRun run, CancellationToken cancellationToken)
    {
        string? samples = run.Window is null && !run.TotalOnly ? Path.Combine(Path.GetTempPath(), $"squares_client-{Environment.ProcessId}-{Guid.NewGuid():N}.rtt") : null;
        try
        {
            NativeResult result = await RunClientAsync(run, samples, cancellationToken);
            return samples is null ? result : result with { Samples = ReadSamples(samples, result.Count) };
        }
        finally
        {
            if (samples is not null)
            {
                File.Delete(samples);
            }
        }
    }

    // Round trips the client wrote (nanoseconds, native-endian uint64), as Stopwatch ticks.
    private static long[] ReadSamples(string path, long count)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length != count * sizeof(long))
        {
            throw new BenchException(string.Create(CultureInfo.InvariantCulture, $"{ClientName} wrote {bytes.Length} bytes of samples for {count} requests"));
        }

        long[] ticks = new long[count];
        Buffer.BlockCopy(bytes, 0, ticks, 0, bytes.Length);
        if (Stopwatch.Frequency != 1_000_000_000)
        {
            for (int i = 0; i < ticks.Length; i++)
            {
                ticks[i] = (long)(ticks[i] * (Stopwatch.Frequency / 1e9));
            }
        }

        return ticks;
    }

    private async Task<NativeResult> RunClientAsync(NativeRun run, string? samples, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Client);
        if (samples is not null)
        {
            info.ArgumentList.Add("--samples");
            info.ArgumentList.Add(samples);
        }

        if (run.TotalOnly)
        {
            info.ArgumentList.Add("--total-only");
        }

        foreach (string argument in (string[])[
            "--host", "127.0.0.1", "--port", Text(run.Port), "--dialect", run.Textbook ? "textbook" : "lines",
            "--mode", run.Window is null ? "lockstep" : "pipeline", "--window", Text(run.Window ?? 1),
            "--count", Text(run.Count), "--warmup", Text(run.Warmup), "--start", Text(run.Start),
            "--poll", run.BusyPoll ? "busy" : "block", "--timeout", Text((long)run.Timeout.TotalSeconds), "--stall", "10", "--json",
        ])
        {
            info.ArgumentList.Add(argument);
        }

        ProcessRun finished = await ProcessRun.RunAsync(info, ClientName, run.Timeout + TimeSpan.FromSeconds(15), cancellationToken);
        if (finished.ExitCode != 0)
        {
            throw new BenchException(string.Create(CultureInfo.InvariantCulture, $"{ClientName} exited {finished.ExitCode}: {finished.StandardError.Trim()}"));
        }

        NativeResult result = JsonSerializer.Deserialize(finished.StandardOutput, NativeJson.Default.NativeResult)
            ?? throw new BenchException($"{ClientName} printed no result: {finished.StandardOutput}");
        return result with { WallSeconds = finished.Wall.TotalSeconds };
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Compile(string source, string header, string binary, TextWriter log)
    {
        if (!File.Exists(source))
        {
            throw new BenchException($"no such file: {source}");
        }

        DateTime newestSource = new[] { File.GetLastWriteTimeUtc(source), File.GetLastWriteTimeUtc(header) }.Max();
        if (File.Exists(binary) && File.GetLastWriteTimeUtc(binary) >= newestSource)
        {
            return;
        }

        log.WriteLine($"Compiling {Path.GetFileName(source)} with gcc -O2 into {Path.GetDirectoryName(binary)}");
        var info = new ProcessStartInfo("gcc") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["-O2", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-function", "-o", binary, source, "-lm"])
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using Process gcc = Process.Start(info) ?? throw new BenchException("cannot start gcc");
            Task<string> output = gcc.StandardOutput.ReadToEndAsync();
            Task<string> error = gcc.StandardError.ReadToEndAsync();
            if (!gcc.WaitForExit(120_000))
            {
                gcc.Kill(entireProcessTree: true);
                throw new BenchException("gcc did not finish within 2 minutes");
            }

            if (gcc.ExitCode != 0)
            {
                throw new BenchException($"gcc failed on {source}:{Environment.NewLine}{output.Result}{error.Result}");
            }
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new BenchException($"cannot run gcc ({ex.Message}); install it or pass --native-bin with prebuilt peers", ex);
        }
    }
}

/// <summary>One run of the native client.</summary>
/// <param name="Port">The server's port on 127.0.0.1.</param>
/// <param name="Textbook">The textbook dialect; otherwise newline-framed lines with the HELLO/WELCOME greeting.</param>
/// <param name="Window">Requests in flight (pipeline mode, lines only); null for lockstep with per-request RTT.</param>
/// <param name="Count">Measured requests.</param>
/// <param name="Warmup">Requests sent first, verified and not measured.</param>
/// <param name="Start">The first integer.</param>
/// <param name="BusyPoll">recv(MSG_DONTWAIT) in a loop instead of blocking.</param>
/// <param name="Timeout">The longest the run may take.</param>
/// <param name="TotalOnly">Lockstep without a clock read or a store per round trip: only the run's total time, as a plain client.</param>
internal sealed record NativeRun(int Port, bool Textbook, int? Window, long Count, long Warmup, long Start, bool BusyPoll, TimeSpan Timeout, bool TotalOnly = false);

/// <summary>What the native client printed (--json).</summary>
internal sealed record NativeResult
{
    [JsonPropertyName("count")]
    public long Count { get; init; }

    [JsonPropertyName("elapsed_s")]
    public double ElapsedSeconds { get; init; }

    [JsonPropertyName("rate")]
    public double Rate { get; init; }

    [JsonPropertyName("mean_us")]
    public double? MeanMicroseconds { get; init; }

    [JsonPropertyName("p50_us")]
    public double? P50Microseconds { get; init; }

    [JsonPropertyName("p90_us")]
    public double? P90Microseconds { get; init; }

    [JsonPropertyName("p99_us")]
    public double? P99Microseconds { get; init; }

    [JsonPropertyName("p999_us")]
    public double? P999Microseconds { get; init; }

    [JsonPropertyName("min_us")]
    public double? MinMicroseconds { get; init; }

    [JsonPropertyName("max_us")]
    public double? MaxMicroseconds { get; init; }

    /// <summary>The process's wall time, start to exit, as the tool saw it.</summary>
    [JsonIgnore]
    public double WallSeconds { get; init; }

    /// <summary>Every measured round trip in Stopwatch ticks (lockstep only).</summary>
    [JsonIgnore]
    public long[]? Samples { get; init; }
}

[JsonSerializable(typeof(NativeResult))]
internal sealed partial class NativeJson : JsonSerializerContext;
