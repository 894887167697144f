#!/bin/bash
# Makes the SD-card image from a root file system directory (build-rootfs.sh), with no loop
# mounts: a FAT boot partition (firmware, config.txt, cmdline.txt, kernel, initramfs, device trees,
# pisquare.txt) made with mkfs.vfat + mtools, an ext4 root made with mkfs.ext4 -d, and an MBR
# partition table (what the Pi's boot ROM reads) written with sfdisk.
#   assemble-image.sh <rootfs-dir> <image-file>
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
rootfs=${1:?rootfs dir} image=${2:?image file}
work=$(mktemp -d "${image%/*}/.assemble.XXXXXX")
trap 'rm -rf "$work"' EXIT

boot_mib=256
kernel=$(ls "$rootfs/lib/modules" | sort -V | tail -n 1)

# The boot partition's files. raspi-firmware's kernel hook wrote them to /boot/firmware in the
# root while the packages were installed; that directory is the FAT's mount point on the Pi, so
# they move to the FAT and the mount point stays empty in the ext4.
boot=$work/boot
mkdir -p "$boot"
if [ -n "$(ls -A "$rootfs/boot/firmware" 2>/dev/null)" ]; then
    cp -a "$rootfs/boot/firmware/." "$boot/"
else
    # The hook did not run (for example no /boot/firmware mount): lay out what it would.
    cp -a "$rootfs/usr/lib/raspi-firmware/." "$boot/"
    cp "$rootfs/usr/lib/linux-image-$kernel"/broadcom/bcm27*-rpi-*.dtb "$boot/"
    cp "$rootfs/boot/vmlinuz-$kernel" "$boot/vmlinuz"
    cp "$rootfs/boot/initrd.img-$kernel" "$boot/initrd.img"
fi
# raspi-firmware's hook writes config.txt and cmdline.txt once the kernel and initramfs exist;
# when it did not (no mounted /boot/firmware at build time), write what it would.
[ -f "$boot/vmlinuz-$kernel" ] || [ -f "$boot/vmlinuz" ] || cp "$rootfs/boot/vmlinuz-$kernel" "$boot/vmlinuz-$kernel"
[ -f "$boot/initrd.img-$kernel" ] || [ -f "$boot/initrd.img" ] || cp "$rootfs/boot/initrd.img-$kernel" "$boot/initrd.img-$kernel"
ls "$boot"/*.dtb >/dev/null 2>&1 || cp "$rootfs/usr/lib/linux-image-$kernel"/broadcom/bcm27*-rpi-*.dtb "$boot/"
if [ ! -f "$boot/config.txt" ]; then
    printf 'arm_64bit=1\nupstream_kernel=1\nkernel=vmlinuz-%s\ninitramfs initrd.img-%s\n' "$kernel" "$kernel" > "$boot/config.txt"
fi
if [ ! -f "$boot/cmdline.txt" ]; then
    echo 'console=tty0 console=ttyS1,115200 root=LABEL=PISQROOT rw fsck.repair=yes net.ifnames=1 rootwait' > "$boot/cmdline.txt"
fi
# raspi-firmware wrote cmdline.txt (root=/dev/mmcblk0p2) before our ROOTPART setting existed: find
# the root by label instead, on the SD card and on an emulated board's virtio disk alike.
sed -i -E 's#(^| )root=[^ ]*#\1root=LABEL=PISQROOT#' "$boot/cmdline.txt"
grep -q 'i2c_arm=on' "$boot/config.txt" || cat "$rootfs/etc/default/raspi-firmware-custom" >> "$boot/config.txt"
cp "$here/pisquare.txt" "$boot/pisquare.txt"

# FAT32 boot partition.
fat=$work/boot.fat
mkfs.vfat -F 32 -n PISQBOOT -C "$fat" $((boot_mib * 1024)) >/dev/null
mcopy -i "$fat" -s -m "$boot"/* ::/

# ext4 root: the content plus room for updates and logs.
used_kib=$(du -sk --exclude=./boot/firmware "$rootfs" | cut -f1)
root_mib=$(( (used_kib * 13 / 10) / 1024 + 384 ))
ext4=$work/root.ext4
tmp_root=$work/empty-firmware
# mkfs.ext4 -d copies a directory as it is; skip the FAT's files under the mount point.
mkfs.ext4 -q -F -L PISQROOT -E root_owner=0:0 -d "$rootfs" "$ext4" "${root_mib}M"
if [ -n "$(ls -A "$rootfs/boot/firmware" 2>/dev/null)" ]; then
    for f in $(ls -A "$rootfs/boot/firmware"); do
        debugfs -w -R "$( [ -d "$rootfs/boot/firmware/$f" ] && echo rmdir || echo rm ) /boot/firmware/$f" "$ext4" >/dev/null 2>&1 || true
    done
fi
rm -rf "$tmp_root"

# MBR: 4 MiB aligned FAT32 (LBA) boot partition, then the root.
start_mib=4
total_mib=$((start_mib + boot_mib + root_mib))
rm -f "$image"
truncate -s "${total_mib}M" "$image"
sfdisk --quiet "$image" <<EOF
label: dos
unit: sectors

start=$((start_mib * 2048)), size=$((boot_mib * 2048)), type=c, bootable
start=$(((start_mib + boot_mib) * 2048)), size=$((root_mib * 2048)), type=83
EOF
dd if="$fat" of="$image" bs=1M seek=$start_mib conv=notrunc,sparse status=none
dd if="$ext4" of="$image" bs=1M seek=$((start_mib + boot_mib)) conv=notrunc,sparse status=none
echo "image $image: $total_mib MiB (boot $boot_mib MiB FAT32, root $root_mib MiB ext4), kernel $kernel"
