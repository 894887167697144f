using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using IotSquares.Bench.Machine;
using IotSquares.Bench.Processes;
using IotSquares.Bench.Reporting;
using IotSquares.Bench.Scenarios;
using Spectre.Console;

namespace IotSquares.Bench;

/// <summary>The tool's command line and the run from start to report.</summary>
internal static class BenchCommand
{
    /// <summary>Exit codes.</summary>
    private const int Success = 0;
    private const int Usage = 1;
    private const int SetupFailed = 2;
    private const int ScenarioFailed = 3;
    private const int Interrupted = 130;

    public static async Task<int> InvokeAsync(string[] args)
    {
        var quick = new Option<bool>("--quick") { Description = "Smoke run (about a minute): fewer requests, shorter windows" };
        var json = new Option<string>("--json") { Description = "Write the report as JSON to this file" };
        var markdown = new Option<string>("--markdown") { Description = "Write the report as Markdown to this file" };
        var server = new Option<string>("--server") { Description = "PiSquareServer.dll to measure (default: the one built beside the tool, else src/PiSquareServer/bin/Release); a path that is not a .dll (a published single file, a Native AOT build) is run directly" };
        var client = new Option<string>("--client") { Description = "PiSquareClient executable for the client CLI rows (default: the one built beside the tool); a .dll is run by the dotnet host" };
        var nativeBin = new Option<string>("--native-bin") { Description = "Folder with prebuilt squares_server and squares_client (default: compile bench/native with gcc -O2 into artifacts/native)" };
        var python = new Option<string>("--python") { Description = "Python interpreter for the textbook's server", DefaultValueFactory = _ => "python3" };
        var only = new Option<string[]>("--only") { Description = "Run only these groups: lockstep, pipelined, concurrent, resources", AllowMultipleArgumentsPerToken = true };
        var lockstepCount = new Option<int?>("--lockstep-count") { Description = "Measured requests per lockstep run (default 100000; quick 10000)" };
        var pipelineCount = new Option<int?>("--pipeline-count") { Description = "Measured requests per pipelined run at windows above 1 (default 1000000; quick 200000)" };
        var duration = new Option<double?>("--duration") { Description = "Seconds per concurrent run (default 10; quick 3)" };

        var root = new RootCommand(
            "PiSquareBench: the load benchmark. Runs native C reference peers, the textbook's Python server and our server and client side by side on this machine (loopback only) " +
            "and prints each figure with its ratio to the native reference and the baseline, and the issue's targets.\n" +
            "Exit codes: 0 every scenario measured (targets may still be missed), 1 usage, 2 setup failed, 3 some scenario failed, 130 interrupted.")
        {
            quick, json, markdown, server, client, nativeBin, python, only, lockstepCount, pipelineCount, duration,
        };

        root.Validators.Add(result =>
        {
            foreach (string group in result.GetValue(only) ?? [])
            {
                if (!BenchSettings.AllGroups.Contains(group))
                {
                    result.AddError($"--only: unknown group '{group}' (lockstep, pipelined, concurrent, resources)");
                }
            }

            if (result.GetValue(lockstepCount) is < 1000 or > 10_000_000)
            {
                result.AddError("--lockstep-count must be 1000-10000000.");
            }

            if (result.GetValue(pipelineCount) is < 1000 or > 100_000_000)
            {
                result.AddError("--pipeline-count must be 1000-100000000.");
            }

            if (result.GetValue(duration) is < 1 or > 600)
            {
                result.AddError("--duration must be 1-600 seconds.");
            }
        });

        root.SetAction(async (parse, cancellationToken) =>
        {
            BenchSettings defaults = parse.GetValue(quick) ? BenchSettings.QuickDefaults : BenchSettings.FullDefaults;
            string[] groups = parse.GetValue(only) ?? [];
            BenchSettings settings = defaults with
            {
                JsonPath = parse.GetValue(json),
                MarkdownPath = parse.GetValue(markdown),
                ServerPath = parse.GetValue(server),
                ClientPath = parse.GetValue(client),
                NativeBin = parse.GetValue(nativeBin),
                Python = parse.GetValue(python)!,
                Groups = groups.Length == 0 ? BenchSettings.AllGroups : [.. BenchSettings.AllGroups.Where(groups.Contains)],
                LockstepCount = parse.GetValue(lockstepCount) ?? defaults.LockstepCount,
                LockstepWarmup = parse.GetValue(lockstepCount) is int n ? Math.Max(1000, n / 10) : defaults.LockstepWarmup,
                PipelineCount = parse.GetValue(pipelineCount) ?? defaults.PipelineCount,
                ConcurrentDuration = parse.GetValue(duration) is double d ? TimeSpan.FromSeconds(d) : defaults.ConcurrentDuration,
            };
            return await RunAsync(settings, cancellationToken);
        });

        return await root.Parse(args).InvokeAsync();
    }

    private static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        IAnsiConsole console = CreateConsole();
        var clock = Stopwatch.StartNew();
        string? repository = Locations.FindRepositoryRoot();
        if (repository is null)
        {
            console.MarkupLine("[red]PiSquareBench: cannot find the repository (IotSquares.sln) above the current folder or the tool.[/]");
            return SetupFailed;
        }

        string? serverDll = settings.ServerPath ?? Locations.FindServer(repository);
        if (serverDll is null || !File.Exists(serverDll))
        {
            console.MarkupLine(Markup.Escape($"PiSquareBench: cannot find {Locations.ServerFileName}; build it in Release (bash scripts/bench.sh does) or pass --server <path>."));
            return SetupFailed;
        }

        serverDll = Path.GetFullPath(serverDll);
        if (settings.ClientPath is { } client && !File.Exists(client))
        {
            console.MarkupLine(Markup.Escape($"PiSquareBench: --client {client}: no such file."));
            return SetupFailed;
        }
        string configuration = Servers.IsAssembly(serverDll) ? Locations.BuildConfiguration(serverDll) ?? "unknown configuration" : "executable, run directly";
        string textbook = Locations.TextbookServer(repository);
        NativePeers native;
        try
        {
            native = NativePeers.Prepare(settings.NativeBin, Path.Combine(repository, "bench", "native"), Path.Combine(repository, "artifacts", "native"), Console.Out);
        }
        catch (BenchException ex)
        {
            console.MarkupLine("[red]" + Markup.Escape("PiSquareBench: " + ex.Message) + "[/]");
            return SetupFailed;
        }

        // Raise the open-files limit before any server starts: children inherit it.
        NativeMethods.TryRaiseOpenFilesLimit((ulong)settings.ConcurrentClients.Append(settings.ManyClients).Max() + 200);
        MachineInfo machine = MachineInfo.Read(settings.Python);
        console.MarkupLine(Markup.Escape(
            $"PiSquareBench ({(settings.Quick ? "quick" : "full")} run) measuring {serverDll} ({configuration}) on {machine.CpuModel}, {machine.Cores} cores; load average {machine.LoadAtStart}"));
        var notes = new List<string>();
        if (Servers.IsAssembly(serverDll) && !string.Equals(configuration, "Release", StringComparison.Ordinal))
        {
            string warning = $"The server measured is a {configuration} build, not Release: its figures do not count (bash scripts/bench.sh builds Release).";
            console.MarkupLine("[red bold]" + Markup.Escape(warning) + "[/]");
            notes.Add(warning);
        }

        var runner = new BenchRunner(settings, console, native, serverDll, textbook);
        bool interrupted = false;
        try
        {
            await runner.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
            notes.Add("Interrupted: the figures are those measured before Ctrl+C.");
        }

        machine.LoadAtEnd = ProcStats.LoadAverage();
        notes.AddRange(runner.Measurements.Notes);
        notes.AddRange(StandingNotes(settings));
        var report = new BenchReport
        {
            Mode = settings.Quick ? "quick" : "full",
            Machine = machine,
            Server = serverDll,
            ServerConfiguration = configuration,
            NativePeers = native.Directory,
            Sizes = Sizes(settings),
            Rows = ReportBuilder.Build(runner.Measurements, settings),
            Notes = notes,
            Seconds = clock.Elapsed.TotalSeconds,
        };

        console.WriteLine();
        ReportWriters.WriteConsole(console, report);
        await WriteFileAsync(settings.JsonPath, ReportWriters.ToJson(report), console);
        await WriteFileAsync(settings.MarkdownPath, ReportWriters.ToMarkdown(report), console);
        if (interrupted)
        {
            return Interrupted;
        }

        return report.Rows.Any(r => r.Error is not null) ? ScenarioFailed : Success;
    }

    private static IEnumerable<string> StandingNotes(BenchSettings settings)
    {
        bool Ran(string group) => settings.Groups.Contains(group);
        yield return "Everything runs on one machine over loopback: every client competes with its server for the same cores, and other agents' builds and tests were running too, so timings are noisy and preliminary.";
        if (Ran("lockstep") || Ran("pipelined"))
        {
            yield return string.Create(
                CultureInfo.InvariantCulture,
                $"Lockstep and pipelined scenarios run {settings.Rounds} times each, interleaved (one round runs every scenario once, in an order rotated each round), and each scenario's samples are pooled; every lockstep run sends {settings.LockstepWarmupPerRun:N0} unmeasured requests first on its connection. The native client times each round trip with clock_gettime(CLOCK_MONOTONIC), our lean loop with Stopwatch.");
        }

        if (Ran("lockstep"))
        {
            yield return "Busy-poll peers spin on recv(MSG_DONTWAIT): two spinning processes on two shared cores are preempted often, which shows in their mean and tail, not in their median.";
            yield return "OUR client (SquaresClient) is timed by the interval between consecutive verified squares (its SquareServed events); its mean by wall time / count is in the details.";
        }

        if (Ran("concurrent"))
        {
            yield return "Concurrent runs are closed loops: by Little's law, with N connections always in flight the round trip is N / throughput, so p99 ≤ 5 ms for 1,000 flat-out connections needs over 200,000 squares/s; the paced run (each connection 10 squares/s) is the realistic many-Pi case.";
            yield return "The concurrent runs' native reference is squares_server --poll epoll (one thread, non-blocking sockets), driven by the same C# load generator; the generator shares the two cores with the server it drives.";
        }

        yield return "Our server (the Server line above; a .dll runs under `dotnet`) runs with `--bind 127.0.0.1 --max-connections 2000 --max-connections-per-address 0`, its appsettings.json and default log level (Information: a line per connection, none per square); each group starts its own and stops it with SIGTERM.";
    }

    private static string Sizes(BenchSettings s) => string.Create(
        CultureInfo.InvariantCulture,
        $"{s.Rounds} rounds; lockstep {s.LockstepPerRun * s.Rounds:N0} per scenario (+{s.LockstepWarmupPerRun:N0} warm-up per run); " +
        $"pipelined {s.PipelinePerRun(64).Count * s.Rounds:N0} per scenario at windows {string.Join("/", s.Windows)}; " +
        $"concurrent {string.Join("/", s.ConcurrentClients)} connections × {s.ConcurrentDuration.TotalSeconds:0} s; {s.StartupRuns} starts; idle CPU over {s.IdleCpuWindow.TotalSeconds:0} s");

    private static async Task WriteFileAsync(string? path, string content, IAnsiConsole console)
    {
        if (path is null)
        {
            return;
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllTextAsync(path, content);
        console.MarkupLine("Wrote " + Markup.Escape(path));
    }

    // Wide tables even when the output goes to a file or a pipe (scripts/bench.sh tees it).
    private static IAnsiConsole CreateConsole()
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 220;
        }

        return console;
    }
}
