#!/bin/bash
# Cross-builds the lab's kernel module (module/pisquare_lab.c) for exactly the kernel in the
# image's root file system, in two steps so that the slow one can run while the image is built:
#   build-module.sh toolchain <toolchain-dir>                    (needs nothing of the image)
#   build-module.sh early <toolchain-dir> <output-dir>            (the toolchain, then the module for
#                                                                 the kernel the image will get)
#   build-module.sh module <image-rootfs> <toolchain-dir> <output-dir>
# The compiler and kbuild tools come from a small amd64 chroot of the image's Debian release
# (made once with mmdebstrap and cached): its gcc-aarch64-linux-gnu is the compiler the Debian
# kernel was built with, and its linux-kbuild host tools need that release's glibc, which the
# build host (another release) may not have. Runs at native speed, no emulation.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
suite=${PISQUARE_SUITE:-trixie}
step=${1:?toolchain|module}

make_toolchain() {
    local toolchain=$1 stamp=$1/.pisquare-toolchain
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$suite" ] && return 0
    local mirrors sources
    mapfile -t mirrors < <("$here/../../deploy/image/mirrors.sh")
    sources=("deb ${mirrors[0]} $suite main" "deb ${mirrors[0]} $suite-updates main")
    [ -z "${mirrors[1]:-}" ] || sources+=("deb ${mirrors[1]} $suite-security main")
    rm -rf "$toolchain"
    # The package lists stay: the kernel's kbuild and headers are added once the image's kernel is known.
    # The system's tools only and dpkg without fsync (deploy/image/build-rootfs.sh says why).
    PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    mmdebstrap --variant=apt --mode=root --architectures=amd64,arm64 \
        --hook-dir=/usr/share/mmdebstrap/hooks/eatmydata \
        --include=make,gcc-aarch64-linux-gnu \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --skip=cleanup/apt/lists \
        "$suite" "$toolchain" "${sources[@]}"
    echo "$suite" > "$stamp"
}

build_module() {
    local rootfs=$1 toolchain=$2 out=$3
    build_for_kernel "$(ls "$rootfs/lib/modules" | sort -V | tail -n 1)" "$toolchain" "$out"
}

# The kernel the image will get: linux-image-arm64's dependency, from the same mirror and suites
# the image is built from (the toolchain keeps their package lists). Lets the module be built while
# the image's root file system is still being made; the lab checks the guess against the image.
build_early() {
    local toolchain=$1 out=$2 kernel
    rm -rf "$out"     # never a module of an earlier run's source
    make_toolchain "$toolchain"
    chroot "$toolchain" apt-get update -qq
    kernel=$(chroot "$toolchain" apt-cache depends linux-image-arm64:arm64 |
        sed -n 's/^ *Depends: linux-image-\([0-9][^:]*-arm64\)\(:arm64\)\?$/\1/p' | head -n 1)
    [ -n "$kernel" ] || { echo "build-module.sh: cannot tell which kernel linux-image-arm64 brings" >&2; return 1; }
    echo "build-module.sh: the image's kernel will be $kernel"
    build_for_kernel "$kernel" "$toolchain" "$out"
}

build_for_kernel() {
    local kernel=$1 toolchain=$2 out=$3 version                 # kernel e.g. 6.12.57+deb13-arm64
    version=${kernel%-arm64}                                      # e.g. 6.12.57+deb13
    make_toolchain "$toolchain"
    if [ ! -d "$toolchain/usr/src/linux-headers-$kernel" ]; then
        # The amd64 kbuild tools; the arm64 headers are unpacked rather than installed: they
        # depend on the arm64 kbuild tools, and the build runs the amd64 ones.
        chroot "$toolchain" sh -ec "
            export DEBIAN_FRONTEND=noninteractive
            apt-get install -y -qq -o Dpkg::Use-Pty=0 linux-kbuild-$version linux-headers-$version-common >/dev/null
            cd /tmp && apt-get download -qq linux-headers-$version-arm64:arm64
            dpkg-deb -x /tmp/linux-headers-$version-arm64_*.deb / && rm -f /tmp/*.deb && apt-get clean"
    fi
    rm -rf "$toolchain/build" && mkdir -p "$toolchain/build"
    cp "$here/module/pisquare_lab.c" "$here/module/Kbuild" "$toolchain/build/"
    chroot "$toolchain" make -s -C "/usr/src/linux-headers-$kernel" M=/build \
        ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- modules
    rm -rf "$out" && mkdir -p "$out"
    chroot "$toolchain" aarch64-linux-gnu-strip --strip-debug /build/pisquare_lab.ko
    cp "$toolchain/build/pisquare_lab.ko" "$out/"
    echo "$kernel" > "$out/kernel-release"
}

case "$step" in
    toolchain) make_toolchain "${2:?toolchain dir}" ;;
    early) build_early "${2:?toolchain dir}" "${3:?output dir}" ;;
    module) build_module "${2:?image rootfs}" "${3:?toolchain dir}" "${4:?output dir}" ;;
    *) echo "build-module.sh: toolchain|module, not $step" >&2; exit 2 ;;
esac
