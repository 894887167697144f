#!/usr/bin/env bash
# Issue 12: our server and client measured from outside, as a user runs them, against native C peers in
# the same run (scripts/bench_outside.py says how). Builds both programs in Release into one folder (Native
# AOT, as shipped; AOT=0 for the JIT build), compiles the C peers (gcc -O2), then measures in interleaved
# rounds, recording the load average of each.
#
#   bash scripts/bench-outside.sh                         # client, server and lockstep rows, 5 rounds
#   bash scripts/bench-outside.sh --only client --rounds 9
#   bash scripts/bench-outside.sh --only observer         # issue 7: a 20 ms/call observer behind the queue
#   bash scripts/bench-outside.sh --only seam --compare-build <folder of an older PiSquareServer build>
#   bash scripts/bench-outside.sh --only seam-lockstep --compare-build <folder>   # the same for the lockstep server
#   AOT=0 bash scripts/bench-outside.sh                   # the JIT build (dotnet build) instead of the shipped Native AOT
#
# Writes artifacts/bench/outside.md. Loopback only; timings on a shared machine: read the band and the load.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The programs as shipped (Native AOT) by default; AOT=0 measures the JIT build (scripts/build-programs.sh).
build="${OUTSIDE_BUILD_DIR:-artifacts/outside/$([ "${AOT:-1}" = 1 ] && echo aot || echo jit)}"
native="${LOADBENCH_NATIVE_DIR:-artifacts/native}"
mkdir -p artifacts/bench
bash scripts/build-programs.sh "$build"
echo "== Compiling the native peers (gcc -O2) into $native"
make -C bench/native --no-print-directory OUT="$(pwd)/$native"
exec python3 scripts/bench_outside.py --build "$build" --native "$native" --markdown artifacts/bench/outside.md "$@"
