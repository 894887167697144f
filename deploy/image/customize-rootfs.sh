#!/bin/bash
# mmdebstrap customize hook: turns the freshly installed root file system into the image's
# (runs on the build host; commands inside the arm64 root go through chroot + qemu-user).
#   customize-rootfs.sh <root>
set -euo pipefail
root=${1:?root}
in_root() { chroot "$root" "$@"; }

# Groups the IotSquares service runs with (Raspberry Pi OS has them; Debian only has i2c).
for group in gpio i2c; do
    in_root getent group "$group" >/dev/null || in_root groupadd --system "$group"
done

# Every board makes its own ssh host keys at first boot (pisquare-firstboot); a flashed image
# that shipped keys would give every Pi the same identity.
rm -f "$root"/etc/ssh/ssh_host_*
# systemd makes a machine id at first boot.
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"

# raspi-firmware writes cmdline.txt from this: find the root by label, on a Pi 3/4 SD card and
# on the emulated board alike.
if [ -f "$root/etc/default/raspi-firmware" ]; then
    sed -i 's|^#\?ROOTPART=.*|ROOTPART=LABEL=PISQROOT|' "$root/etc/default/raspi-firmware"
    grep -q '^ROOTPART=' "$root/etc/default/raspi-firmware" ||
        echo 'ROOTPART=LABEL=PISQROOT' >> "$root/etc/default/raspi-firmware"
fi

in_root systemctl enable pisquare-firstboot.service systemd-networkd.service \
    avahi-daemon.service ssh.service >/dev/null
# Link-local names (pisquare-server.local) through avahi; no DNS server is needed on a cable.
mkdir -p "$root/boot/firmware"
echo pisquare > "$root/etc/hostname"

in_root apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/*.log
