using SharpFuzz;

namespace IotSquares.Protocol.Fuzz;

/// <summary>
/// Under afl-fuzz: a SharpFuzz fork server that feeds each input (read from standard input) to
/// <see cref="Targets.Run"/> in a child process; an exception there is reported as a crash.
/// Outside afl-fuzz: <c>--replay &lt;file or folder&gt;...</c> runs inputs once each and prints any
/// finding (use it on a crash AFL saved); with no arguments, one input is read from standard input.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--replay")
        {
            return Replay(args.Skip(1));
        }

        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Targets.Run(copy.ToArray());
        });
        return 0;
    }

    private static int Replay(IEnumerable<string> paths)
    {
        int runs = 0;
        int findings = 0;
        foreach (string path in paths)
        {
            IEnumerable<string> files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path).Where(static f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
                : [path];
            foreach (string file in files)
            {
                runs++;
                try
                {
                    Targets.Run(File.ReadAllBytes(file));
                }
#pragma warning disable CA1031 // Replay reports every finding and goes on to the next input.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    findings++;
                    Console.WriteLine($"FINDING {file}: {ex}");
                }
            }
        }

        Console.WriteLine($"replayed {runs} inputs, {findings} findings");
        return findings == 0 ? 0 : 1;
    }
}
