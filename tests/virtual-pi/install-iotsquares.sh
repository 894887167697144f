#!/bin/bash
# Puts the IotSquares units and the published linux-arm64 binaries into the image's root file
# system, where the units expect them (each binary goes to its unit's ExecStart path).
#   install-iotsquares.sh <rootfs> <publish-dir with PiSquareServer and PiSquareClient> <repo>
# Units come from the repo's deploy/systemd/; their config files (appsettings.json, *.env beside the
# units) go to /etc/pisquare/, as publish.ps1 puts them.
set -euo pipefail
rootfs=${1:?rootfs} publish=${2:?publish dir} repo=${3:?repo}

units=$repo/deploy/systemd
ls "$units"/pisquare-server*.service >/dev/null 2>&1 || { echo "install-iotsquares: no pisquare-server unit in $units" >&2; exit 1; }

# Where publish.ps1 puts them (units in /etc/systemd/system, a Documentation=file: page from docs/),
# so that the first publish.ps1 onto a fresh card replaces these files rather than shadowing them.
rm -f "$rootfs"/etc/systemd/system/pisquare-{server,client}*.{service,socket,timer} "$rootfs"/usr/lib/systemd/system/pisquare-{server,client}*
rm -rf "$rootfs/opt/pisquare"
install -d "$rootfs/etc/pisquare" "$rootfs/etc/systemd/system"
for f in "$units"/*; do
    [ -f "$f" ] || continue     # optional variants live in folders of their own (socket-activation/)
    name=$(basename "$f")
    case "$name" in
        *.service|*.socket|*.timer)
            install -m 0644 "$f" "$rootfs/etc/systemd/system/$name"
            doc=$(sed -n 's|^Documentation=file:\(/[^ ]*\).*|\1|p' "$f" | head -n 1)
            if [ -n "$doc" ] && [ -f "$repo/docs/$(basename "$doc")" ]; then
                install -D -m 0644 "$repo/docs/$(basename "$doc")" "$rootfs$doc"
            fi
            ;;
        *.md|README*) ;;
        *) install -m 0644 "$f" "$rootfs/etc/pisquare/$name" ;;    # appsettings.json, *.env
    esac
done

# exec_path <unit>: the program of its ExecStart= (without the - @ + ! prefixes).
exec_path() {
    sed -n 's/^ExecStart=[-@+!:]*\([^ ]*\).*/\1/p' "$1" | head -n 1
}
for role in server client; do
    unit=$(ls "$rootfs"/etc/systemd/system/pisquare-"$role"*.service 2>/dev/null | grep -v @ | head -n 1 || true)
    [ -n "$unit" ] || { echo "install-iotsquares: no $role unit" >&2; exit 1; }
    target=$(exec_path "$unit")
    if [ "$role" = server ]; then program=PiSquareServer; else program=PiSquareClient; fi
    binary=$(find "$publish" -maxdepth 2 -type f -name "$program" | head -n 1)
    [ -n "$binary" ] || { echo "install-iotsquares: no $program in $publish" >&2; exit 1; }
    case "$target" in
        /*) ;;
        *) echo "install-iotsquares: cannot tell where $(basename "$unit") expects its binary (ExecStart=$target)" >&2; exit 1 ;;
    esac
    dir=$(dirname "$target")
    install -d "$rootfs$dir"
    # The unit may start a wrapper rather than the binary: then the binary goes beside it.
    if [ "$(basename "$target")" = "$(basename "$binary")" ]; then
        install -m 0755 "$binary" "$rootfs$target"
    else
        install -m 0755 "$binary" "$rootfs$dir/"
    fi
    for extra in "$(dirname "$binary")"/*.json; do
        [ -e "$extra" ] && install -m 0644 "$extra" "$rootfs$dir/"
    done
    echo "$role: $(basename "$unit") -> $target ($(stat -c %s "$binary") bytes)"
done
