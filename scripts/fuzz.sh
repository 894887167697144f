#!/usr/bin/env bash
# Fuzzes the protocol library (src/Protocol) with AFL++ through SharpFuzz for a bounded time, then
# prints what it found. Exits 1 if any input made the harness throw (a crash), 0 otherwise.
# See fuzz/README.md for what is checked and how to replay a finding.
#
#   bash scripts/fuzz.sh                      # 60 seconds
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh     # longer
#   FUZZ_OUT=/tmp/fuzz bash scripts/fuzz.sh   # elsewhere than artifacts/fuzz
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
out="${FUZZ_OUT:-artifacts/fuzz}"
bin="$out/bin"
replay="$out/replay"
findings="$out/findings"
corpus="${FUZZ_CORPUS:-fuzz/corpus}"

case "$seconds" in
    ''|*[!0-9]*|0) echo "FUZZ_SECONDS must be a positive number of seconds, not '$seconds'" >&2; exit 64 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v afl-fuzz >/dev/null 2>&1; then
    echo "== Installing AFL++ (apt-get install afl++)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++
fi

echo "== Restoring the SharpFuzz instrumenter (.config/dotnet-tools.json)"
dotnet tool restore

echo "== Publishing fuzz/Protocol.Fuzz (Release) to $bin"
rm -rf "$bin" "$replay" "$findings"
mkdir -p "$out"
dotnet publish fuzz/Protocol.Fuzz/Protocol.Fuzz.csproj -c Release -o "$bin" --nologo -v quiet

echo "== Checking the seed corpus outside AFL (every seed must pass)"
dotnet "$bin/Protocol.Fuzz.dll" --replay "$corpus"

# An instrumented library only runs under afl-fuzz (it writes to AFL's shared memory), so findings
# are replayed with this uninstrumented copy.
cp -r "$bin" "$replay"

# Only the library under test is instrumented: AFL's coverage map then shows paths through the
# protocol code, not through the harness or the runtime.
echo "== Instrumenting IotSquares.Protocol.dll"
dotnet tool run sharpfuzz "$bin/IotSquares.Protocol.dll"

echo "== afl-fuzz for $seconds s"
# dotnet itself carries no AFL instrumentation (SharpFuzz reports coverage from managed code), so
# afl-fuzz must not check the binary; the 5 s timeout covers the runtime's start-up.
export AFL_SKIP_BIN_CHECK=1
export AFL_SKIP_CPUFREQ=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_UI=1
export AFL_NO_AFFINITY="${AFL_NO_AFFINITY:-1}"
export AFL_FORKSRV_INIT_TMOUT="${AFL_FORKSRV_INIT_TMOUT:-30000}"
set +e
timeout --signal=INT --kill-after=30 "$((seconds + 120))" \
    afl-fuzz -i "$corpus" -o "$findings" -m none -t 5000 -V "$seconds" -- "$(command -v dotnet)" "$bin/Protocol.Fuzz.dll" \
    >"$out/afl.log" 2>&1
afl_status=$?
set -e

stats="$findings/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
    echo "afl-fuzz did not run (exit $afl_status); its log:" >&2
    tail -n 40 "$out/afl.log" >&2
    exit 2
fi

stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
count_files() { find "$1" -maxdepth 1 -type f ! -name 'README.txt' 2>/dev/null | wc -l; }
crashes=$(count_files "$findings/default/crashes")
hangs=$(count_files "$findings/default/hangs")

echo "== Summary"
echo "run time:      $(stat run_time) s"
echo "execs:         $(stat execs_done) ($(stat execs_per_sec) per second)"
echo "paths:         $(stat corpus_count) in the queue, $(stat corpus_found) found by AFL"
echo "coverage:      $(stat bitmap_cvg) of the map, $(stat edges_found) edges"
echo "crashes:       $crashes"
echo "hangs:         $hangs (runs over 5 s)"
echo "findings in:   $findings/default"

if [ "$crashes" -gt 0 ]; then
    echo "Crashing inputs (replay one with: dotnet $replay/Protocol.Fuzz.dll --replay <file>):" >&2
    find "$findings/default/crashes" -maxdepth 1 -type f ! -name 'README.txt' | head -n 20 >&2
    dotnet "$replay/Protocol.Fuzz.dll" --replay "$findings/default/crashes" >&2 || true
    exit 1
fi
echo "fuzz: 0 crashes"
