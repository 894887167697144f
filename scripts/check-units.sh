#!/usr/bin/env bash
# Checks the systemd units in deploy/systemd/ (and its optional socket-activation/) with systemd's own tools (CI runs it; the same checks are
# tests in tests/Integration.Tests/Systemd/UnitFileTests.cs): `systemd-analyze verify` must print nothing,
# and `systemd-analyze security --offline=true` must score every service at MAX_EXPOSURE (2.0) or less.
# verify insists that ExecStart's binary exists, so it runs against a throwaway root (--root) holding
# this machine's units, ours, and stand-ins at /opt/pisquare/bin/. Installs the systemd package when
# systemd-analyze is missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."

max_exposure="${MAX_EXPOSURE:-2.0}"
if ! command -v systemd-analyze >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd >/dev/null
    else
        echo "check-units: systemd-analyze not found; apt-get install systemd" >&2
        exit 1
    fi
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/lib/systemd" "$root/etc/systemd/system" "$root/opt/pisquare/bin"
cp -a "$(readlink -f /usr/lib/systemd/system)" "$root/usr/lib/systemd/system"
for binary in PiSquareServer PiSquareClient; do
    printf '#!/bin/sh\nexit 0\n' >"$root/opt/pisquare/bin/$binary"
    chmod 755 "$root/opt/pisquare/bin/$binary"
done

failed=0
printf '| %-24s | %-6s | %-8s |\n' unit verify exposure
printf '|%s|%s|%s|\n' -------------------------- -------- ----------
# Services first: a socket unit is verified with the service it starts beside it. The optional units in
# subfolders (socket-activation/) are checked as well.
for unit in deploy/systemd/*.service deploy/systemd/*.socket deploy/systemd/*.timer deploy/systemd/*/*.socket; do
    [ -e "$unit" ] || continue
    name="$(basename "$unit")"
    cp "$unit" "$root/etc/systemd/system/$name"
    said="$(systemd-analyze verify --root="$root" "/etc/systemd/system/$name" 2>&1)" && status=0 || status=$?
    verdict=clean
    if [ "$status" -ne 0 ] || [ -n "$said" ]; then
        verdict=FAILED
        failed=1
        printf '%s\n' "$said" >&2
    fi
    exposure="-"
    if [[ "$name" == *.service ]]; then
        exposure="$(systemd-analyze security --offline=true --no-pager "$unit" | sed -nE 's/.*Overall exposure level for [^:]+: ([0-9.]+).*/\1/p')"
        if [ -z "$exposure" ] || ! awk -v e="$exposure" -v m="$max_exposure" 'BEGIN { exit !(e <= m) }'; then
            failed=1
            echo "check-units: $name exposure '${exposure}' is over $max_exposure" >&2
        fi
    fi
    printf '| %-24s | %-6s | %-8s |\n' "$name" "$verdict" "$exposure"
done

if [ "$failed" -ne 0 ]; then
    echo "check-units: FAILED" >&2
    exit 1
fi
echo "check-units: OK (every service at most $max_exposure)"
