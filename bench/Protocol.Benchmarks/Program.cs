using BenchmarkDotNet.Running;

// Runs the benchmarks the command line selects, e.g. --filter '*' --job short (see scripts/bench-codec.sh).
BenchmarkSwitcher.FromAssembly(typeof(IotSquares.Protocol.Benchmarks.NumberCase).Assembly).Run(args);
