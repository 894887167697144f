#!/usr/bin/env bash
# Soak test: builds PiSquareSoak and PiSquareServer (Release) into one folder, then runs the soak tool
# with the arguments given. The tool starts its own server on 127.0.0.1 (a free port), runs N clients
# for M minutes, prints a row every sample interval (squares, errors, the server's RSS, CPU, threads,
# open files), stops the server with SIGTERM and exits 0 only if nothing failed. See docs/SOAK.md.
#
#   bash scripts/soak.sh                                  # 16 clients, 1 minute, 2000 squares/s
#   bash scripts/soak.sh --clients 16 --minutes 60 --sample-seconds 60 \
#       --markdown artifacts/soak/soak-1h.md --json artifacts/soak/soak-1h.json
#   SOAK_BUILD_DIR=artifacts/soak/build-1h bash scripts/soak.sh ...   # a build of its own, for a long
#                                                                     # run that a later build must not touch
set -euo pipefail
cd "$(dirname "$0")/.."

build="${SOAK_BUILD_DIR:-artifacts/soak/build}"
mkdir -p "$build"

echo "== Building PiSquareSoak and PiSquareServer (Release) into $build"
# Other builds may hold a file for a moment (MSB3026/MSB3027): try a few times.
for attempt in 1 2 3 4; do
    if dotnet build tools/PiSquareSoak/PiSquareSoak.csproj -c Release -o "$build" --nologo -v quiet; then
        break
    fi
    if [ "$attempt" -eq 4 ]; then
        echo "The build failed." >&2
        exit 1
    fi
    echo "The build failed; trying again in 30 s (attempt $attempt of 4)" >&2
    sleep 30
done

echo "== PiSquareSoak $*"
exec dotnet "$build/PiSquareSoak.dll" "$@"
