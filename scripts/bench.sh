#!/usr/bin/env bash
# Load benchmark (issue 4; bench/PiSquareBench, bench/native): builds the tool in Release, our server and
# client as shipped (Native AOT; AOT=0: the JIT build beside the tool), compiles the native C reference
# peers with gcc -O2, then runs the tool, which measures on this machine, over loopback only: lockstep
# round trips (native blocking, native busy-poll floor, the textbook's Python server as the baseline, our
# server, our client), pipelined throughput at windows 1/64/4096, 1/100/1,000 concurrent clients, and the
# server's start-to-ready time, RSS and idle CPU.
# Prints a table with the ratios and the issue's targets, and writes artifacts/bench/bench.json and bench.md.
#
#   bash scripts/bench.sh            # full run: under 10 minutes on 2 cores
#   bash scripts/bench.sh --quick    # smoke run: about a minute
#   bash scripts/bench.sh --only lockstep pipelined      # some groups (lockstep, pipelined, concurrent, resources)
#   LOADBENCH_OUT=artifacts/bench/run2 bash scripts/bench.sh   # write the reports elsewhere
#
# Needs dotnet, gcc, make and python3. Timings depend on what else the machine does: quote them as
# preliminary unless the machine was quiet. See docs/BENCHMARKS.md, "Load benchmark".
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

build="${LOADBENCH_BUILD_DIR:-artifacts/loadbench/build}"
native="${LOADBENCH_NATIVE_DIR:-artifacts/native}"
out="${LOADBENCH_OUT:-artifacts/bench}"

echo "== Building PiSquareBench with PiSquareServer and PiSquareClient (Release) into $build"
# Other builds may hold a file for a moment (MSB3026/MSB3027): try a few times.
for attempt in 1 2 3 4; do
    if dotnet build bench/PiSquareBench/PiSquareBench.csproj -c Release -o "$build" --nologo -v quiet; then
        break
    fi
    if [ "$attempt" -eq 4 ]; then
        echo "The build failed." >&2
        exit 1
    fi
    echo "The build failed; trying again in 30 s (attempt $attempt of 4)" >&2
    sleep 30
done

# The server and client CLI rows measure the programs as shipped (Native AOT, scripts/build-programs.sh);
# AOT=0 measures the JIT build beside the tool instead.
programs=()
if [ "${AOT:-1}" = 1 ]; then
    aot="${LOADBENCH_AOT_DIR:-artifacts/loadbench/aot}"
    bash scripts/build-programs.sh "$aot"
    programs=(--server "$aot/PiSquareServer" --client "$aot/PiSquareClient")
fi

echo "== Compiling the native peers (gcc -O2) into $native"
make -C bench/native --no-print-directory OUT="$(pwd)/$native"

mkdir -p "$out"
echo "== PiSquareBench $*"
# The 1,000-client scenarios need about 1,200 open files: the tool raises its soft limit (up to the hard
# one) before it starts any server, and says so clearly if that is not enough.
exec dotnet "$build/PiSquareBench.dll" --native-bin "$native" "${programs[@]}" --json "$out/bench.json" --markdown "$out/bench.md" "$@"
