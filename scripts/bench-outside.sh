#!/usr/bin/env bash
# Issue 12: our server and client measured from outside, as a user runs them, against native C peers in
# the same run (scripts/bench_outside.py says how). Builds both programs in Release into one folder,
# compiles the C peers (gcc -O2), then measures in interleaved rounds, recording the load average of each.
#
#   bash scripts/bench-outside.sh                         # client, server and lockstep rows, 5 rounds
#   bash scripts/bench-outside.sh --only client --rounds 9
#   bash scripts/bench-outside.sh --only observer         # issue 7: a 20 ms/call observer behind the queue
#   bash scripts/bench-outside.sh --only seam --compare-build <folder of an older PiSquareServer build>
#   bash scripts/bench-outside.sh --only seam-lockstep --compare-build <folder>   # the same for the lockstep server
#   AOT=1 OUTSIDE_BUILD_DIR=artifacts/outside/aot bash scripts/bench-outside.sh   # the Native AOT binaries, as a Pi runs them
#
# Writes artifacts/bench/outside.md. Loopback only; timings on a shared machine: read the band and the load.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
build="${OUTSIDE_BUILD_DIR:-artifacts/outside/build}"
native="${LOADBENCH_NATIVE_DIR:-artifacts/native}"
mkdir -p "$build" artifacts/bench
if [ "${AOT:-0}" = 1 ]; then
  # What a Pi runs (publish.ps1's default for linux-arm64): Native AOT, here for this machine's linux-x64.
  # No JIT: a fresh process measures the same code a long-running one does. Needs clang; minutes per program.
  echo "== Publishing PiSquareServer and PiSquareClient (Release, Native AOT, linux-x64) into $build"
  for p in PiSquareServer PiSquareClient; do
    dotnet publish "src/$p/$p.csproj" -c Release -r linux-x64 -p:PublishAot=true -o "$build" --nologo -v quiet
  done
else
  echo "== Building PiSquareServer and PiSquareClient (Release) into $build"
  dotnet build src/PiSquareServer/PiSquareServer.csproj -c Release -o "$build" --nologo -v quiet
  dotnet build src/PiSquareClient/PiSquareClient.csproj -c Release -o "$build" --nologo -v quiet
fi
echo "== Compiling the native peers (gcc -O2) into $native"
make -C bench/native --no-print-directory OUT="$(pwd)/$native"
exec python3 scripts/bench_outside.py --build "$build" --native "$native" --markdown artifacts/bench/outside.md "$@"
