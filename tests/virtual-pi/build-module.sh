#!/bin/bash
# Cross-builds the lab's kernel module (module/pisquare_lab.c) for exactly the kernel in the
# image's root file system.
#   build-module.sh <image-rootfs> <toolchain-dir> <output-dir>
# The compiler and kbuild tools come from a small amd64 chroot of the image's Debian release
# (made once with mmdebstrap and cached): its gcc-aarch64-linux-gnu is the compiler the Debian
# kernel was built with, and its linux-kbuild host tools need that release's glibc, which the
# build host (another release) may not have. Runs at native speed, no emulation.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
rootfs=${1:?image rootfs} toolchain=${2:?toolchain dir} out=${3:?output dir}
suite=${PISQUARE_SUITE:-trixie}

kernel=$(ls "$rootfs/lib/modules" | sort -V | tail -n 1)     # e.g. 6.12.57+deb13-arm64
version=${kernel%-arm64}                                      # e.g. 6.12.57+deb13
stamp="$toolchain/.pisquare-kernel"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$kernel" ]; then
    mapfile -t mirrors < <("$here/../../deploy/image/mirrors.sh")
    sources=("deb ${mirrors[0]} $suite main" "deb ${mirrors[0]} $suite-updates main")
    [ -z "${mirrors[1]:-}" ] || sources+=("deb ${mirrors[1]} $suite-security main")
    rm -rf "$toolchain"
    # Headers for arm64 are unpacked rather than installed: they depend on the arm64 kbuild
    # tools, and the build runs the amd64 ones.
    mmdebstrap --variant=apt --mode=root --architectures=amd64,arm64 \
        --include="make,gcc-aarch64-linux-gnu,linux-kbuild-$version,linux-headers-$version-common" \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --customize-hook="chroot \"\$1\" sh -c 'cd /tmp && apt-get download linux-headers-$version-arm64:arm64 && dpkg-deb -x /tmp/linux-headers-*.deb / && rm -f /tmp/*.deb'" \
        --customize-hook='chroot "$1" apt-get clean' \
        "$suite" "$toolchain" "${sources[@]}"
    echo "$kernel" > "$stamp"
fi

rm -rf "$toolchain/build" && mkdir -p "$toolchain/build"
cp "$here/module/pisquare_lab.c" "$here/module/Kbuild" "$toolchain/build/"
chroot "$toolchain" make -s -C "/usr/src/linux-headers-$kernel" M=/build \
    ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- modules
mkdir -p "$out"
chroot "$toolchain" aarch64-linux-gnu-strip --strip-debug /build/pisquare_lab.ko
cp "$toolchain/build/pisquare_lab.ko" "$out/"
echo "$kernel" > "$out/kernel-release"
