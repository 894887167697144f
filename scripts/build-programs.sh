#!/usr/bin/env bash
# Builds PiSquareServer and PiSquareClient (Release) into one folder for the benchmarks, in the flavour they
# are shipped in unless told otherwise:
#
#   bash scripts/build-programs.sh <folder>          # Native AOT for this machine's linux-x64 (AOT=1, the default):
#                                                    # what `dotnet publish -r linux-x64|linux-arm64` ships
#   AOT=0 bash scripts/build-programs.sh <folder>    # the JIT build (`dotnet build -c Release`), as `dotnet run` runs
#
# Why the shipped flavour by default: a JIT build starts every process at tier 0 and compiles the hot methods
# again on a thread of its own while a benchmark runs; the programs a user installs do not (docs/BENCHMARKS.md,
# "Which build is as a user runs it"). Native AOT needs clang (scripts/publish-size.sh and .ci/run install it).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
build="${1:?usage: build-programs.sh <folder>}"
mkdir -p "$build"
for p in PiSquareServer PiSquareClient; do
    # Other builds may hold a file for a moment (MSB3026/MSB3027): try a few times.
    for attempt in 1 2 3; do
        if [ "${AOT:-1}" = 1 ]; then
            [ "$attempt" = 1 ] && echo "== Publishing $p (Release, Native AOT, linux-x64) into $build"
            dotnet publish "src/$p/$p.csproj" -c Release -r linux-x64 -p:PublishAot=true -o "$build" --nologo -v quiet && break
        else
            [ "$attempt" = 1 ] && echo "== Building $p (Release, JIT) into $build"
            dotnet build "src/$p/$p.csproj" -c Release -o "$build" --nologo -v quiet && break
        fi
        [ "$attempt" = 3 ] && { echo "build-programs.sh: building $p failed" >&2; exit 1; }
        echo "build-programs.sh: building $p failed; trying again in 20 s" >&2
        sleep 20
    done
done
