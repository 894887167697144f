#!/bin/bash
# Makes the initramfs an emulated Pi boots with: the image's own initramfs, followed by a small
# lab archive (the kernel unpacks concatenated archives in order). The lab archive adds the
# emulated board's "hardware" before the image's /init runs: our recording I2C adapter and GPIO
# chip (module/pisquare_lab.c) and the modules it needs. Nothing of it is in the image.
#   make-lab-initrd.sh <image-rootfs> <module-dir> <output-initrd>
set -euo pipefail
rootfs=${1:?rootfs} modules=${2:?module dir} out=${3:?output}
kernel=$(cat "$modules/kernel-release")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/lab"
cp "$modules/pisquare_lab.ko" "$work/lab/"
# i2c-core, when the kernel has it as a module (it must be loaded before our adapter).
config=$rootfs/boot/config-$kernel
deps=()
if grep -q '^CONFIG_I2C=m' "$config"; then
    deps+=("$(find "$rootfs/lib/modules/$kernel/kernel/drivers/i2c" -name 'i2c-core.ko*' | head -n 1)")
fi
n=0
for dep in "${deps[@]}"; do
    n=$((n + 1))
    cp "$dep" "$work/lab/$n-$(basename "$dep")"
done

cat > "$work/lab-init" <<'EOF'
#!/bin/sh
# Virtual Pi lab: plug in the board's GPIO header and I2C bus, then boot the image as usual.
for m in /lab/[0-9]-*.ko* /lab/pisquare_lab.ko; do
    [ -e "$m" ] || continue
    /lab/insmod "$m" || echo "lab-init: could not load $m"
done
exec /init "$@"
EOF
chmod 0755 "$work/lab-init"
# kmod decides what to do by the name it is called with: "insmod" loads a file.
kmod_bin=$(cd "$rootfs" && for p in usr/bin/kmod bin/kmod; do [ -f "$p" ] && echo "$p" && break; done)
[ -n "$kmod_bin" ] || { echo "make-lab-initrd: no kmod in the image" >&2; exit 1; }
ln -s "/$kmod_bin" "$work/lab/insmod"

initrd=$rootfs/boot/initrd.img-$kernel
cp "$initrd" "$out"
(cd "$work" && find lab-init lab | cpio --quiet -o -H newc -R 0:0 | gzip -1) >> "$out"
