#!/usr/bin/env bash
# Codec micro-benchmarks (BenchmarkDotNet, bench/Protocol.Benchmarks): parse, square, format, and a whole
# server session per request, for 64-bit and BigInteger values, with allocations per operation.
# Builds in Release, runs BenchmarkDotNet's short job (1 launch, 3 warm-up and 3 measured iterations:
# about 5 minutes for the whole suite on 2 cores), and copies the markdown tables to docs/benchmarks/.
#
#   bash scripts/bench-codec.sh                          # every benchmark
#   bash scripts/bench-codec.sh '*SessionBenchmarks*'    # a BenchmarkDotNet --filter
#   JOB=medium bash scripts/bench-codec.sh               # a longer job for a quiet machine
#
# Timings depend on what else the machine is doing: run it on a quiet machine before quoting them.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

filter="${1:-*}"
job="${JOB:-short}"
root="$(pwd)"
artifacts="$root/artifacts/bench-codec"
docs="$root/docs/benchmarks"

echo "== Building bench/Protocol.Benchmarks (Release)"
dotnet build bench/Protocol.Benchmarks -c Release --nologo -v quiet

echo "== Running BenchmarkDotNet (--job $job --filter '$filter')"
rm -rf "$artifacts"
# BenchmarkDotNet finds and rebuilds the project from the current directory down.
(cd bench/Protocol.Benchmarks &&
    dotnet bin/Release/net10.0/Protocol.Benchmarks.dll \
        --filter "$filter" --job "$job" --artifacts "$artifacts" --exporters github)

mkdir -p "$docs"
shopt -s nullglob
reports=("$artifacts"/results/*-report-github.md)
if [ ${#reports[@]} -eq 0 ]; then
    echo "No BenchmarkDotNet report was written; see the output above." >&2
    exit 1
fi

# One file for the whole run, one section per benchmark class, under a stable name for docs/BENCHMARKS.md.
result="$docs/codec-micro-benchmarks.md"
{
    echo "# Codec micro-benchmarks: raw BenchmarkDotNet output"
    echo
    echo "Written by \`scripts/bench-codec.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC') (job: $job, filter: \`$filter\`)."
    echo "See [../BENCHMARKS.md](../BENCHMARKS.md) for what the numbers mean."
    for report in "${reports[@]}"; do
        name="$(basename "$report" -report-github.md)"
        echo
        echo "## ${name##*.}"
        echo
        cat "$report"
    done
} >"$result"
echo "== Results: ${result#"$root"/}"
cat "$result"
