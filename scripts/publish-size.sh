#!/usr/bin/env bash
# Publish-size check: publishes PiSquareServer and PiSquareClient as they ship to a Pi (self-contained,
# trimmed, single file, compressed: the settings live in the two .csproj files and apply whenever a
# runtime identifier is given), prints a table, and fails when the server is over 15 MB (15,000,000
# bytes) or when any trim, AOT or single-file warning (ILxxxx) appears in either publish.
#
#   bash scripts/publish-size.sh                    # linux-arm64 (the Pi)
#   RIDS="linux-arm64 linux-x64" bash scripts/publish-size.sh
#   AOT=1 bash scripts/publish-size.sh              # also the server as Native AOT for linux-x64 (needs clang)
#   AOT=1 AOT_RIDS="linux-x64 linux-arm64" bash scripts/publish-size.sh
#                                                   # ...and cross-compiled for the Pi (needs gcc-aarch64-linux-gnu too)
#   SMOKE=0 bash scripts/publish-size.sh            # skip running the binaries
#
# Each binary is checked with `file` for its architecture. When it can run here (the host's own
# architecture, or arm64 under qemu-aarch64 with an arm64 loader in /usr/aarch64-linux-gnu, from the
# Debian packages qemu-user-static and libc6-arm64-cross), the server is started on 127.0.0.1 with
# port 0 until it logs "Listening", then stopped with SIGTERM, and the client prints its --help.
# Outputs: artifacts/publish/<app>-<rid>/ (build files in artifacts/publish-obj/, away from obj/).
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

rids="${RIDS:-linux-arm64}"
aot="${AOT:-0}"
aot_rids="${AOT_RIDS:-linux-x64}"
smoke="${SMOKE:-1}"
limit_bytes=15000000
out="artifacts/publish"
logs="$out/logs"
rows=()
failures=()

command -v file >/dev/null 2>&1 || { echo "publish-size: needs file(1): apt-get install file" >&2; exit 1; }
mkdir -p "$logs"

# file(1) names the architecture; map a runtime identifier to what it prints.
expected_arch() {
    case "$1" in
        *-arm64) echo "ARM aarch64" ;;
        *-x64) echo "x86-64" ;;
        *) echo "" ;;
    esac
}

# How to run a binary of this RID here, or nothing when it cannot run.
runner() {
    local rid="$1" host
    host="$(uname -m)"
    case "$rid:$host" in
        linux-x64:x86_64 | linux-arm64:aarch64) echo "" ;;
        linux-arm64:*)
            local qemu
            qemu="$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)"
            if [ -n "$qemu" ] && [ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ]; then
                echo "$qemu -L /usr/aarch64-linux-gnu"
            else
                echo "-"
            fi
            ;;
        *) echo "-" ;;
    esac
}

# Starts the server on loopback with a free port, waits for "Listening", stops it with SIGTERM.
smoke_server() {
    local run="$1" binary="$2" log="$3"
    # shellcheck disable=SC2086 # $run is a command prefix ("" or "qemu-aarch64-static -L …").
    $run "$binary" --port 0 --bind 127.0.0.1 >"$log" 2>&1 &
    local pid=$! started=no
    for _ in $(seq 1 600); do
        if grep -q "Listening on" "$log"; then
            started=yes
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -TERM "$pid" 2>/dev/null || true
    local status=0
    wait "$pid" || status=$?
    [ "$started" = yes ] && [ "$status" -eq 0 ]
}

# publish <label> <project> <rid> [extra properties...]
publish() {
    local label="$1" project="$2" rid="$3"
    shift 3
    local dir="$out/$label-$rid" log="$logs/$label-$rid.log" obj="artifacts/publish-obj/$label-$rid"
    echo "== Publishing $label for $rid"
    rm -rf "$dir" "$obj"
    local status=0
    # TrimmerSingleWarn=false: one line per warning, not one summary per assembly.
    dotnet publish "$project" -c Release -r "$rid" -o "$dir" --artifacts-path "$obj" \
        -p:TrimmerSingleWarn=false --nologo -clp:NoSummary "$@" >"$log" 2>&1 || status=$?

    local warnings
    warnings=$(grep -Ec "(warning|error) IL[0-9]{4}" "$log" || true)
    local binary="$dir/$(basename "$project" .csproj)"
    if [ "$status" -ne 0 ] || [ ! -f "$binary" ]; then
        grep -E "(warning|error)" "$log" | sort -u | head -20 >&2 || true
        failures+=("$label $rid: dotnet publish failed (exit $status; see $log)")
        rows+=("$label|$rid|-|$warnings|publish failed|-")
        return
    fi
    if [ "$warnings" -ne 0 ]; then
        grep -E "(warning|error) IL[0-9]{4}" "$log" | sort -u >&2
        failures+=("$label $rid: $warnings trim/AOT warnings (see $log)")
    fi

    local bytes mb arch
    bytes=$(stat -c %s "$binary")
    mb=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1000000 }')
    arch="$(file -b "$binary" | grep -o "$(expected_arch "$rid")" | head -n 1 || true)"
    if [ -z "$arch" ]; then
        failures+=("$label $rid: not a $(expected_arch "$rid") ELF: $(file -b "$binary")")
        arch="WRONG: $(file -b "$binary" | cut -d, -f1-2)"
    fi
    if [ "$label" = server ] && [ "$bytes" -gt "$limit_bytes" ]; then
        failures+=("$label $rid: $mb MB is over the 15 MB limit")
    fi

    local ran="not run"
    local run
    run="$(runner "$rid")"
    if [ "$smoke" = 1 ] && [ "$run" != "-" ]; then
        local how="native"
        [ -n "$run" ] && how="qemu"
        if [[ "$label" == server* ]]; then
            if smoke_server "$run" "$binary" "$logs/$label-$rid.run.log"; then
                ran="listened ($how)"
            else
                ran="FAILED ($how)"
                failures+=("$label $rid: did not start (see $logs/$label-$rid.run.log)")
            fi
        else
            # shellcheck disable=SC2086
            if $run "$binary" --help >"$logs/$label-$rid.run.log" 2>&1; then
                ran="--help ok ($how)"
            else
                ran="FAILED ($how)"
                failures+=("$label $rid: --help failed (see $logs/$label-$rid.run.log)")
            fi
        fi
    fi

    rows+=("$label|$rid|$mb|$warnings|$arch|$ran")
}

for rid in $rids; do
    publish server src/PiSquareServer/PiSquareServer.csproj "$rid"
    publish client src/PiSquareClient/PiSquareClient.csproj "$rid"
done

if [ "$aot" = 1 ]; then
    if command -v clang >/dev/null 2>&1; then
        for rid in $aot_rids; do
            publish server-aot src/PiSquareServer/PiSquareServer.csproj "$rid" -p:PublishAot=true
        done
    else
        failures+=("server-aot: clang not found (apt-get install clang zlib1g-dev)")
    fi
fi

echo
printf '| %-10s | %-11s | %7s | %13s | %-12s | %-18s |\n' artifact rid "size MB" "trim warnings" arch runs
printf '|%s|%s|%s|%s|%s|%s|\n' ------------ ------------- --------: --------------: -------------- --------------------
for row in "${rows[@]}"; do
    IFS='|' read -r label rid mb warnings arch ran <<<"$row"
    printf '| %-10s | %-11s | %7s | %13s | %-12s | %-18s |\n' "$label" "$rid" "$mb" "$warnings" "$arch" "$ran"
done
echo
echo "MB = 1,000,000 bytes. Server limit: 15 MB. Logs: $logs/"

if [ ${#failures[@]} -gt 0 ]; then
    echo
    printf 'FAILED: %s\n' "${failures[@]}" >&2
    exit 1
fi
echo "publish-size: OK"
