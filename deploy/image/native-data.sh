#!/bin/bash
# mmdebstrap hooks that make two architecture-independent data files of the image with the build
# host's own tools, once, instead of with the image's arm64 tools under qemu-user while the packages
# are configured (single-threaded emulation: about a minute each on 2 cores):
# - the kernel modules' index (modules.dep, modules.alias, ... and their .bin tries): depmod,
#   run by the kernel's postinst;
# - udev's hardware database (/usr/lib/udev/hwdb.bin): systemd-hwdb --usr update, run by udev's
#   postinst and its trigger.
# Both are pure functions of files in the root (the modules; the hwdb.d text files), written in
# formats that are the same on every architecture and have been stable for years (kmod's index
# v2; systemd's "KSLPHHRH" trie). The build checks them: the lab's guests load modules with the
# image's modprobe and run udev with this database. deploy/image/README.md says what was compared.
#   native-data.sh defer <root>   (essential hook: before kmod, udev and the kernel are installed)
#   native-data.sh build <root>   (customize hook: every package configured; before the initramfs)
# Needs on the host: kmod (depmod) and udev (systemd-hwdb).
set -euo pipefail
mode=${1:?defer|build} root=${2:?root}
tools=(/usr/sbin/depmod /usr/bin/systemd-hwdb)

case "$mode" in
defer)
    for tool in "${tools[@]}"; do
        # dpkg-divert: the package's program is installed beside our stand-in, not over it.
        chroot "$root" dpkg-divert --quiet --local --rename --divert "$tool.pisquare-real" --add "$tool"
        mkdir -p "$root${tool%/*}"
        printf '#!/bin/sh\necho "%s: deferred to the end of the image build (native-data.sh)" >&2\nexit 0\n' "${tool##*/}" > "$root$tool"
        chmod 0755 "$root$tool"
    done
    ;;
build)
    for tool in "${tools[@]}"; do
        rm -f "$root$tool"
        chroot "$root" dpkg-divert --quiet --local --rename --remove "$tool"
        [ -e "$root$tool" ] || { echo "native-data: $tool is missing after the diversion was removed" >&2; exit 1; }
    done
    start=$(date +%s%N)
    # depmod reads its configuration from the host's directories unless told: give it the image's.
    config=()
    for d in etc/depmod.d usr/lib/depmod.d lib/depmod.d; do
        [ ! -d "$root/$d" ] || config+=(-C "$root/$d")
    done
    [ ${#config[@]} -gt 0 ] || config=(-C /dev/null)
    for dir in "$root"/usr/lib/modules/*/; do
        kernel=$(basename "$dir")
        [ -d "$dir/kernel" ] || continue
        depmod "${config[@]}" -b "$root" "$kernel"
        [ -s "$dir/modules.dep.bin" ] || { echo "native-data: depmod wrote no modules.dep.bin for $kernel" >&2; exit 1; }
        echo "native-data: depmod $kernel: $(wc -l < "$dir/modules.dep") modules"
    done
    # --usr: /usr/lib/udev/hwdb.bin, as udev's postinst makes it. The database records the file each
    # entry came from: with --root those names would carry the build directory, so the host's tool
    # runs in a mount namespace of its own that sees the image's hwdb.d files where the Pi has them
    # (the host's own /usr/lib/udev and /etc/udev are untouched: the mounts end with the namespace).
    # Without the right to make one, --root gives the same database with longer source names.
    if ! unshare --mount sh -euc '
            mount -t tmpfs pisquare-hwdb /usr/lib/udev && mkdir /usr/lib/udev/hwdb.d
            mount --bind "$1/usr/lib/udev/hwdb.d" /usr/lib/udev/hwdb.d
            mount --bind "$1/etc/udev" /etc/udev
            systemd-hwdb --usr update
            cp --preserve=mode /usr/lib/udev/hwdb.bin "$1/usr/lib/udev/hwdb.bin"' sh "$root"; then
        echo "native-data: no mount namespace here; systemd-hwdb --root instead" >&2
        systemd-hwdb --root="$root" --usr update
    fi
    [ -s "$root/usr/lib/udev/hwdb.bin" ] || { echo "native-data: no /usr/lib/udev/hwdb.bin" >&2; exit 1; }
    echo "native-data: hwdb.bin $(stat -c %s "$root/usr/lib/udev/hwdb.bin") bytes; both in $(( ($(date +%s%N) - start) / 1000000 )) ms"
    ;;
*) echo "native-data.sh: unknown mode $mode" >&2; exit 1 ;;
esac
