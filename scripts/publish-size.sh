#!/usr/bin/env bash
# Publish check (CI runs it): publishes PiSquareServer and PiSquareClient as they ship to a Pi, in both
# flavours, and prints one table: size, trim/AOT warnings, the minimum glibc each binary needs, its
# shared libraries, and whether it starts. Fails on any warning, a server over 15 MB (15,000,000 bytes),
# a binary for the wrong architecture or one that needs a newer glibc than Raspberry Pi OS bookworm's
# 2.36 (MAX_GLIBC), or one that does not start (when it can run here).
#
#   bash scripts/publish-size.sh                          # linux-arm64: Native AOT (the default) and single file
#   FLAVOURS=aot bash scripts/publish-size.sh             # only one flavour (aot | singlefile)
#   RIDS="linux-arm64 linux-x64" bash scripts/publish-size.sh
#   RIDS=linux-arm FLAVOURS=singlefile bash scripts/publish-size.sh   # 32-bit Raspberry Pi OS (single file only)
#   SMOKE=0 bash scripts/publish-size.sh                  # skip running the binaries
#   INSTALL=0 bash scripts/publish-size.sh                # never apt-get install; fail if a tool is missing
#   AOT_FROM=artifacts/pi/linux-arm64-Aot bash scripts/publish-size.sh
#                                                         # check the linux-arm64 AOT binaries publish.ps1 -BuildOnly
#                                                         # already made (it fails on any trim/AOT warning) instead
#                                                         # of linking them again (CI: the ones tests/Deploy.Tests built)
#
# Flavours: "aot" is Native AOT (-p:PublishAot=true, the default the .csproj files pick for linux-arm64);
# "singlefile" is the self-contained, trimmed, compressed single file (-p:PublishAot=false).
# Cross-compiling AOT for arm64 needs clang, an arm64 linker and the arm64 C runtime: as root the script
# installs the Debian packages itself (clang gcc-aarch64-linux-gnu; qemu-user-static for the smoke run).
# An arm64 binary is started under qemu-aarch64 with the loader from /usr/aarch64-linux-gnu: the server
# on 127.0.0.1 with port 0 until it logs "Listening on", then SIGTERM (must exit 0); the client's --help.
# Outputs: artifacts/publish/<app>-<flavour>-<rid>/ (build files in artifacts/publish-obj/, away from obj/).
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

rids="${RIDS:-linux-arm64}"
flavours="${FLAVOURS:-aot singlefile}"
smoke="${SMOKE:-1}"
install="${INSTALL:-1}"
max_glibc="${MAX_GLIBC:-2.36}"
limit_bytes=15000000
out="artifacts/publish"
logs="$out/logs"
rows=()
failures=()
started_all=$(date +%s)

mkdir -p "$logs"

# The Debian packages each need brings. Only what is missing is installed, and only as root.
need_packages() {
    local missing=()
    command -v file >/dev/null 2>&1 || missing+=(file)
    command -v readelf >/dev/null 2>&1 || missing+=(binutils)
    if [[ " $flavours " == *" aot "* ]]; then
        command -v clang >/dev/null 2>&1 || missing+=(clang)
        if [[ " $rids " == *" linux-arm64 "* && "$(uname -m)" != aarch64 ]]; then
            # The cross linker and objcopy (binutils-aarch64-linux-gnu), the arm64 glibc and libgcc to link against.
            { command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 && [ -e /usr/aarch64-linux-gnu/lib/libc.so ]; } ||
                missing+=(gcc-aarch64-linux-gnu)
        fi
    fi
    if [ "$smoke" = 1 ] && [[ " $rids " == *" linux-arm64 "* && "$(uname -m)" != aarch64 ]]; then
        { command -v qemu-aarch64-static >/dev/null 2>&1 || command -v qemu-aarch64 >/dev/null 2>&1; } || missing+=(qemu-user-static)
        [ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || missing+=(libc6-arm64-cross)
    fi
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$install" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== Installing: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "publish-size: missing tools; run: apt-get install ${missing[*]}" >&2
        exit 1
    fi
}

# file(1) names the architecture; map a runtime identifier to what it prints.
expected_arch() {
    case "$1" in
        *-arm64) echo "ARM aarch64" ;;
        *-x64) echo "x86-64" ;;
        *-arm) echo "ARM, EABI5" ;;
        *) echo "" ;;
    esac
}

# How to run a binary of this RID here: "" natively, a qemu prefix, or "-" when it cannot run.
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

# The newest GLIBC_x.y symbol version the binary needs (its .gnu.version_r), i.e. the oldest glibc that runs it.
glibc_needed() {
    readelf -V -W "$1" 2>/dev/null | grep -Eo 'Name: GLIBC_[0-9]+(\.[0-9]+)+' | sed 's/Name: GLIBC_//' | sort -uV | tail -n 1
}

# The shared libraries it loads at start (DT_NEEDED), without the ".so.N".
needed_libraries() {
    readelf -d -W "$1" 2>/dev/null | grep -Eo 'Shared library: \[[^]]+\]' | sed -E 's/Shared library: \[(lib)?([^.]+).*/\2/' | paste -sd ' ' -
}

version_le() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$1" ]; }

# Starts the server on loopback with a free port, waits for "Listening on", stops it with SIGTERM.
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

# publish <app> <project> <rid> <flavour>
publish() {
    local app="$1" project="$2" rid="$3" flavour="$4"
    local label="$app-$flavour"
    local dir="$out/$label-$rid" log="$logs/$label-$rid.log" obj="artifacts/publish-obj/$label-$rid"
    local aot=false
    [ "$flavour" = aot ] && aot=true
    rm -rf "$dir" "$obj"
    local status=0 started program
    program=$(basename "$project" .csproj)
    started=$(date +%s)
    if [ "$flavour" = aot ] && [ "$rid" = linux-arm64 ] && [ -n "${AOT_FROM:-}" ] && [ -f "$AOT_FROM/$program" ]; then
        echo "== $app ($flavour) for $rid: the build in $AOT_FROM (publish.ps1 -BuildOnly)"
        mkdir -p "$dir" && cp "$AOT_FROM/$program" "$dir/" && echo "copied from $AOT_FROM" >"$log"
    else
        echo "== Publishing $app ($flavour) for $rid"
        # TrimmerSingleWarn=false: one line per warning, not one summary per assembly.
        dotnet publish "$project" -c Release -r "$rid" -o "$dir" --artifacts-path "$obj" -p:PublishAot=$aot \
            -p:TrimmerSingleWarn=false --nologo -clp:NoSummary >"$log" 2>&1 || status=$?
    fi
    local seconds=$(($(date +%s) - started))

    # Any warning fails the check: trim (IL2xxx), AOT (IL3xxx), single file, the native linker's.
    local warnings
    warnings=$(grep -Eic "warning( [A-Z]+[0-9]+)?:|warning [A-Z]+[0-9]+" "$log" || true)
    local binary
    binary="$dir/$(basename "$project" .csproj)"
    if [ "$status" -ne 0 ] || [ ! -f "$binary" ]; then
        grep -Ei "(warning|error)" "$log" | sort -u | head -20 >&2 || true
        failures+=("$label $rid: dotnet publish failed (exit $status; see $log)")
        rows+=("$label|$rid|-|$warnings|-|-|publish failed|${seconds}s")
        return
    fi
    if [ "$warnings" -ne 0 ]; then
        grep -Ei "warning" "$log" | sort -u >&2
        failures+=("$label $rid: $warnings warnings (see $log)")
    fi

    local bytes mb arch glibc libs
    bytes=$(stat -c %s "$binary")
    mb=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1000000 }')
    arch="$(file -b "$binary" | grep -o "$(expected_arch "$rid")" | head -n 1 || true)"
    if [ -z "$arch" ]; then
        failures+=("$label $rid: not a $(expected_arch "$rid") ELF: $(file -b "$binary")")
    fi
    if [ "$app" = server ] && [ "$bytes" -gt "$limit_bytes" ]; then
        failures+=("$label $rid: $mb MB is over the 15 MB limit")
    fi
    glibc="$(glibc_needed "$binary")"
    if [ -z "$glibc" ]; then
        failures+=("$label $rid: no GLIBC symbol versions found (readelf -V)")
        glibc="?"
    elif ! version_le "$glibc" "$max_glibc"; then
        failures+=("$label $rid: needs glibc $glibc, newer than $max_glibc (Raspberry Pi OS bookworm)")
    fi
    libs="$(needed_libraries "$binary")"

    local ran="not run" run
    run="$(runner "$rid")"
    if [ "$smoke" = 1 ] && [ "$run" != "-" ]; then
        local how="native"
        [ -n "$run" ] && how="qemu"
        if [ "$app" = server ]; then
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

    rows+=("$label|$rid|$mb|$warnings|$glibc|$libs|$ran|${seconds}s")
}

need_packages
for rid in $rids; do
    for flavour in $flavours; do
        publish server src/PiSquareServer/PiSquareServer.csproj "$rid" "$flavour"
        publish client src/PiSquareClient/PiSquareClient.csproj "$rid" "$flavour"
    done
done

echo
printf '| %-17s | %-11s | %7s | %8s | %10s | %-28s | %-17s | %7s |\n' artifact rid "size MB" warnings "min glibc" "shared libraries" runs publish
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' ------------------- ------------- --------: ---------: -----------: ------------------------------ ------------------- --------:
for row in "${rows[@]}"; do
    IFS='|' read -r label rid mb warnings glibc libs ran seconds <<<"$row"
    printf '| %-17s | %-11s | %7s | %8s | %10s | %-28s | %-17s | %7s |\n' "$label" "$rid" "$mb" "$warnings" "$glibc" "$libs" "$ran" "$seconds"
done
echo
echo "MB = 1,000,000 bytes. Server limit: 15 MB. Newest glibc allowed: $max_glibc (bookworm; trixie has 2.41)."
echo "Total: $(($(date +%s) - started_all)) s. Logs: $logs/"

if [ ${#failures[@]} -gt 0 ]; then
    echo
    printf 'FAILED: %s\n' "${failures[@]}" >&2
    exit 1
fi
echo "publish-size: OK"
