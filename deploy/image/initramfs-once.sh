#!/bin/bash
# mmdebstrap hooks that make the image's initramfs exactly once. Under qemu-user one build costs
# minutes, and a plain install makes two: the kernel's postinst (update-initramfs -c) and, later,
# initramfs-tools' trigger (update-initramfs -u), activated again by every package that adds a hook.
#   initramfs-once.sh defer <root>   (essential hook: before the kernel and initramfs-tools are installed)
#   initramfs-once.sh build <root>   (customize hook, late-packages.sh: every package it is made of
#                                     configured, our settings in place)
#   initramfs-once.sh undefer <root> (customize hook, after the build and every package)
set -euo pipefail
mode=${1:?defer|build|undefer} root=${2:?root}
tool=/usr/sbin/update-initramfs

case "$mode" in
defer)
    # dpkg-divert: the package's update-initramfs is installed beside ours, not over it.
    chroot "$root" dpkg-divert --quiet --local --rename --divert "$tool.pisquare-real" --add "$tool"
    mkdir -p "$root/usr/sbin"
    printf '#!/bin/sh\necho "update-initramfs: deferred to the end of the image build" >&2\nexit 0\n' > "$root$tool"
    chmod 0755 "$root$tool"
    ;;
build)
    # The real tool under its diverted name: the stand-in stays in place, so that packages installed
    # meanwhile (late-packages.sh) do not start a second build; "undefer" puts the real one back.
    kernel=$(ls "$root/lib/modules" | sort -V | tail -n 1)
    start=$(date +%s)
    # Post-update hooks (raspi-firmware's copies the initramfs to /boot/firmware) may refuse
    # outside a real Pi; the image assembly lays out the boot partition itself when they did not.
    chroot "$root" "$tool.pisquare-real" -c -k "$kernel" || echo "initramfs-once: update-initramfs reported a failure (hooks); checking the result" >&2
    [ -s "$root/boot/initrd.img-$kernel" ] || { echo "initramfs-once: no /boot/initrd.img-$kernel" >&2; exit 1; }
    echo "initramfs-once: initrd.img-$kernel ($(stat -c %s "$root/boot/initrd.img-$kernel") bytes) in $(( $(date +%s) - start )) s"
    ;;
undefer)
    rm -f "$root$tool"
    chroot "$root" dpkg-divert --quiet --local --rename --remove "$tool"
    [ -x "$root$tool" ] || { echo "initramfs-once: no $tool after the diversion was removed" >&2; exit 1; }
    ;;
*) echo "initramfs-once.sh: unknown mode $mode" >&2; exit 1 ;;
esac
