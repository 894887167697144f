#!/bin/bash
# Builds the image's arm64 Debian trixie root file system into a directory with mmdebstrap
# (packages from packages.txt, our files from rootfs/), as root, with no loop mounts.
#   build-rootfs.sh <output-dir>
# Needs: mmdebstrap, arch-test, qemu-user-static + binfmt-support (aarch64 enabled), kmod and udev
# (native-data.sh: the modules index and the hwdb made with the host's depmod and systemd-hwdb).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-rootfs.sh <output-dir>}
suite=${PISQUARE_SUITE:-trixie}

mapfile -t mirrors < <("$here/mirrors.sh")
main=${mirrors[0]}
security=${mirrors[1]:-}
# packages.txt: what the initramfs is made of, then (below "#@late") what is installed while it is built.
packages=$(sed '/^#@late/,$d' "$here/packages.txt" | grep -Ev '^[[:space:]]*(#|$)' | tr -s ' \n' ',' | sed 's/,$//')
late=$(sed -n '/^#@late/,$p' "$here/packages.txt" | grep -Ev '^[[:space:]]*(#|$)' | tr -s ' \n' ' ')

sources=("deb $main $suite main non-free-firmware" "deb $main $suite-updates main non-free-firmware")
[ -z "$security" ] || sources+=("deb $security $suite-security main non-free-firmware")

rm -rf "$out"
mkdir -p "$(dirname "$out")"
# dpkg's log of the build, kept in $PISQUARE_ROOTFS_LOGDIR when set (the lab keeps it: which package costs what under emulation).
log_hook=()
[ -z "${PISQUARE_ROOTFS_LOGDIR:-}" ] || log_hook=(--customize-hook="copy-out /var/log/dpkg.log '$PISQUARE_ROOTFS_LOGDIR'")
# initramfs-tools' settings are in place before the kernel is installed, and the initramfs is built
# exactly once (initramfs-once.sh): under emulation every build costs minutes, and the kernel's
# postinst and initramfs-tools' trigger would each build one. It is built once what it is made of is
# installed, while the other packages are installed beside it (late-packages.sh): the emulated dpkg
# is single-threaded, so the second core would otherwise idle. Before it, the modules index and
# udev's hwdb are made with the host's own tools (native-data.sh) instead of under emulation.
# openssh-server makes host keys when it is configured (an RSA key takes long on an emulated CPU);
# the image ships none (every board makes its own at first boot), so empty placeholders stand in
# for them while the packages are installed and customize-rootfs.sh removes them with the rest.
# Documentation, man pages and translations are left out (smaller card, faster build).
# Speed, without changing what is installed (each measured, deploy/image/README.md):
# - the system's tools only: mmdebstrap filters every essential package through mmtarfilter, a
#   Python script, and a python3 shim earlier on PATH (pyenv) costs most of a second per package;
# - dpkg inside eatmydata (mmdebstrap's hook): no fsync for each of ~25,000 files while the card is
#   made (the hook takes eatmydata out again at the end; the image's dpkg syncs as usual).
PATH=/usr/sbin:/usr/bin:/sbin:/bin \
mmdebstrap --architectures=arm64 --variant=minbase --mode=root \
    --include="$packages" \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --setup-hook='mkdir -p "$1/etc/initramfs-tools" "$1/usr/share/initramfs-tools/modules.d" "$1/boot/firmware"' \
    --setup-hook="sync-in '$here/rootfs/etc/initramfs-tools' /etc/initramfs-tools" \
    --setup-hook="sync-in '$here/rootfs/usr/share/initramfs-tools/modules.d' /usr/share/initramfs-tools/modules.d" \
    --essential-hook="'$here/initramfs-once.sh' defer \"\$1\"" \
    --essential-hook="'$here/native-data.sh' defer \"\$1\"" \
    --essential-hook='mkdir -p "$1/etc/ssh" && for t in rsa ecdsa ed25519; do : > "$1/etc/ssh/ssh_host_${t}_key"; done' \
    --customize-hook="sync-in '$here/rootfs' /" \
    --customize-hook="'$here/native-data.sh' build \"\$1\"" \
    --customize-hook="'$here/late-packages.sh' \"\$1\" $late" \
    --hook-dir=/usr/share/mmdebstrap/hooks/eatmydata \
    --customize-hook="'$here/initramfs-once.sh' undefer \"\$1\"" \
    "${log_hook[@]}" \
    --customize-hook="'$here/customize-rootfs.sh' \"\$1\"" \
    "$suite" "$out" "${sources[@]}"
