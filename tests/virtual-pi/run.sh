#!/bin/bash
# The virtual Pi lab: flash, boot two emulated Raspberry Pis, publish to them, check what a
# person would see. See README.md beside this file.
#   tests/virtual-pi/run.sh [--keep]     (--keep: leave both guests running for a look)
# Exit 0: every check passed; 77: this machine cannot run the lab (no qemu-system-aarch64 after
# apt-get, or no binfmt_misc for qemu-user), with one line saying why; anything else: a failure.
# Environment: CI=true builds everything fresh (no cache); LAB_WORK=<dir> for the build cache.
set -euo pipefail

LAB_HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$LAB_HERE/../.." && pwd)
LAB_WORK=${LAB_WORK:-$LAB_HERE/.work}
LAB_RUN=$LAB_HERE/out/$(date -u +%Y%m%dT%H%M%SZ)
LAB_USER=pi
LAB_KEY=$LAB_WORK/ssh/id_ed25519
LAB_BOOT_OFFSET=$((4 * 1024 * 1024))
KEEP=0
[ "${1:-}" != --keep ] || KEEP=1

# shellcheck source=lib.sh
. "$LAB_HERE/lib.sh"
# shellcheck source=guest.sh
. "$LAB_HERE/guest.sh"
# shellcheck source=checks.sh
. "$LAB_HERE/checks.sh"
# shellcheck source=checks-deploy.sh
. "$LAB_HERE/checks-deploy.sh"

mkdir -p "$LAB_WORK" "$LAB_RUN"
exec > >(tee "$LAB_RUN/lab.log") 2>&1
[ "${CI:-}" != true ] || { log "CI: building fresh"; rm -rf "${LAB_WORK:?}"/{rootfs,rootfs.key,toolchain,image*,module}; }

host_packages() {
    local pkgs=(qemu-system-arm qemu-user-static binfmt-support mmdebstrap arch-test dosfstools
                mtools fdisk e2fsprogs kmod udev openssh-client cpio gzip xz-utils python3 iproute2
                clang gcc-aarch64-linux-gnu libc6-arm64-cross)   # the last three: publish.ps1's Native AOT
    local missing=() p
    for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        apt-get -o DPkg::Lock::Timeout=600 update -qq
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
    fi
    # What this machine cannot give (rather than what failed): the lab then cannot run here at all.
    command -v qemu-system-aarch64 >/dev/null 2>&1 ||
        { LAB_CANNOT_RUN="qemu-system-aarch64 is not installed (apt-get install qemu-system-arm did not provide it)"; return 1; }
    # qemu-user runs the arm64 package scripts while the root file system is built. Without
    # systemd as PID 1 nobody mounts binfmt_misc.
    if ! mountpoint -q /proc/sys/fs/binfmt_misc && ! mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null; then
        LAB_CANNOT_RUN="binfmt_misc cannot be mounted here (a container without that right?), so arm64 programs cannot run under qemu-user"
        return 1
    fi
    update-binfmts --enable qemu-aarch64 2>/dev/null || true
    arch-test arm64 >/dev/null ||
        { LAB_CANNOT_RUN="arm64 programs do not run under qemu-user here (arch-test arm64 fails with binfmt_misc mounted)"; return 1; }
}

publish_binaries() {
    # The image carries the programs as this checkout publishes them for linux-arm64 with
    # publish.ps1 -BuildOnly (Native AOT, its default for the Pi). LAB_PUBLISH_DIR=<folder> takes a
    # build publish.ps1 already made (CI: the one tests/Deploy.Tests made and checked), so the two
    # minutes-long AOT links are not done twice; LAB_REUSE_PUBLISH=1 keeps the lab's last build.
    if [ -n "${LAB_PUBLISH_DIR:-}" ]; then
        LAB_PUBLISH=$(cd "$LAB_PUBLISH_DIR" && pwd) || return 1
        [ -x "$LAB_PUBLISH/PiSquareServer" ] && [ -x "$LAB_PUBLISH/PiSquareClient" ] ||
            { log "LAB_PUBLISH_DIR=$LAB_PUBLISH_DIR has no PiSquareServer and PiSquareClient"; return 1; }
        log "using the build in $LAB_PUBLISH"
        return 0
    fi
    LAB_PUBLISH=$LAB_WORK/publish
    if [ "${LAB_REUSE_PUBLISH:-0}" = 1 ] && [ -x "$LAB_PUBLISH/PiSquareServer" ] && [ -x "$LAB_PUBLISH/PiSquareClient" ]; then
        log "reusing $LAB_PUBLISH"
        return 0
    fi
    rm -rf "$LAB_PUBLISH" && mkdir -p "$LAB_PUBLISH"
    (cd "$REPO" && dotnet tool restore >/dev/null &&
        dotnet pwsh -NoProfile ./publish.ps1 -BuildOnly -ArtifactsPath "$LAB_PUBLISH") > "$LAB_RUN/publish-build.log" 2>&1 ||
        { tail -n 30 "$LAB_RUN/publish-build.log"; return 1; }
    grep -E 'PiSquare(Server|Client) ' "$LAB_RUN/publish-build.log" || true
}

build_rootfs() {
    local key
    # Keyed by what goes into it (not the README beside it).
    key=$(cache_key "$REPO"/deploy/image/{packages.txt,rootfs,build-rootfs.sh,customize-rootfs.sh,initramfs-once.sh,native-data.sh,late-packages.sh,mirrors.sh})
    if [ -d "$LAB_WORK/rootfs" ] && [ "$(cat "$LAB_WORK/rootfs.key" 2>/dev/null)" = "$key" ]; then
        log "root file system from the cache ($key)"
        return 0
    fi
    rm -f "$LAB_WORK/rootfs.key"
    # Every line with the seconds since the start, and mmdebstrap's phases (I: lines) in the lab's
    # log, so that the time each phase takes shows; dpkg's own log beside it (per package).
    local t0=$SECONDS line
    PISQUARE_ROOTFS_LOGDIR=$LAB_RUN "$REPO/deploy/image/build-rootfs.sh" "$LAB_WORK/rootfs" 2>&1 |
        while IFS= read -r line; do printf '%5d %s\n' "$((SECONDS - t0))" "$line"; done > "$LAB_RUN/rootfs.build.log"
    local status=${PIPESTATUS[0]}
    grep -E '^ *[0-9]+ (I: (extracting|installing|running --customize|success)|initramfs-once:|native-data:|late-packages:|depmod:|systemd-hwdb:)' "$LAB_RUN/rootfs.build.log" |
        sed -E "s|$LAB_WORK/||g; s/^/    /" | cut -c1-140
    [ "$status" = 0 ] || { tail -n 30 "$LAB_RUN/rootfs.build.log"; return 1; }
    echo "$key" > "$LAB_WORK/rootfs.key"
}

build_image() {
    local key
    # (stage functions run where set -e does not apply: every step says || return 1)
    "$LAB_HERE/install-iotsquares.sh" "$LAB_WORK/rootfs" "$LAB_PUBLISH" "$REPO" || return 1
    key=$(cache_key "$LAB_WORK/rootfs.key" "$LAB_PUBLISH"/PiSquare{Server,Client} "$REPO/deploy/image/assemble-image.sh" "$REPO/deploy/image/pisquare.txt" "$REPO/deploy/systemd" "$REPO/docs/SYSTEMD.md" "$LAB_HERE/install-iotsquares.sh")
    if [ -f "$LAB_WORK/image.img" ] && [ "$(cat "$LAB_WORK/image.key" 2>/dev/null)" = "$key" ]; then
        log "image from the cache ($key)"
    else
        "$REPO/deploy/image/assemble-image.sh" "$LAB_WORK/rootfs" "$LAB_WORK/image.img" || return 1
        echo "$key" > "$LAB_WORK/image.key"
    fi
    LAB_IMAGE=$LAB_WORK/image.img
    # The lab boots the kernel directly (a Pi's firmware would load it from the FAT): the same
    # kernel and command line as the card's, with the virt board's serial console.
    local kernel
    kernel=$(ls "$LAB_WORK/rootfs/lib/modules" | sort -V | tail -n 1)
    cp "$LAB_WORK/rootfs/boot/vmlinuz-$kernel" "$LAB_WORK/vmlinuz"
    LAB_CMDLINE="$(mtype -i "$LAB_IMAGE@@$LAB_BOOT_OFFSET" ::cmdline.txt | tr -d '\r\n' |
        sed -E 's/(^| )console=[^ ]*//g') console=ttyAMA0 rdinit=/lab-init panic=-1"
    # An emulated CPU on a busy host can take minutes to coldplug its devices (udev forks a
    # program per device): wait for them as long as that, where a Pi waits 90 s.
    LAB_CMDLINE="$LAB_CMDLINE systemd.default_device_timeout_sec=600"
    log "kernel $kernel, command line: $LAB_CMDLINE"
}

# The module's cross toolchain (a native amd64 chroot) needs nothing of the image, and the kernel the
# image will get is known from the mirror: both are made in the background while the image's root
# file system is built under emulation, and joined here (the module is made again if the guess was wrong).
start_toolchain() {
    # setsid: its own process group, so that an early end of the run can stop all of it (cleanup).
    setsid "$LAB_HERE/build-module.sh" early "$LAB_WORK/toolchain" "$LAB_WORK/module" > "$LAB_RUN/toolchain.build.log" 2>&1 &
    LAB_TOOLCHAIN_PID=$!
}
build_module() {
    local kernel
    kernel=$(ls "$LAB_WORK/rootfs/lib/modules" | sort -V | tail -n 1)
    if ! wait "$LAB_TOOLCHAIN_PID"; then
        tail -n 30 "$LAB_RUN/toolchain.build.log"
        log "the module was not made in the background: making it now"
    fi
    if [ -f "$LAB_WORK/module/pisquare_lab.ko" ] && [ "$(cat "$LAB_WORK/module/kernel-release" 2>/dev/null)" = "$kernel" ]; then
        log "module built in the background for $kernel, the image's kernel"
    else
        "$LAB_HERE/build-module.sh" module "$LAB_WORK/rootfs" "$LAB_WORK/toolchain" "$LAB_WORK/module" \
            > "$LAB_RUN/module.build.log" 2>&1 || { tail -n 30 "$LAB_RUN/module.build.log"; return 1; }
    fi
    "$LAB_HERE/make-lab-initrd.sh" "$LAB_WORK/rootfs" "$LAB_WORK/module" "$LAB_WORK/lab-initrd.img"
    log "module $(stat -c %s "$LAB_WORK/module/pisquare_lab.ko") bytes for $(cat "$LAB_WORK/module/kernel-release")"
}

boot_guests() {
    mkdir -p "$(dirname "$LAB_KEY")"
    [ -f "$LAB_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C pisquare-lab -f "$LAB_KEY"
    prepare_guest server server || return 1
    prepare_guest client client || return 1
    LAB_LAN_PORT=$(free_port)
    SSH_PORT_SERVER=$(free_port)
    SSH_PORT_CLIENT=$(free_port)
    while [ "$SSH_PORT_CLIENT" = "$SSH_PORT_SERVER" ] || [ "$SSH_PORT_CLIENT" = "$LAB_LAN_PORT" ]; do
        SSH_PORT_CLIENT=$(free_port)
    done
    echo "server ssh: 127.0.0.1:$SSH_PORT_SERVER, client ssh: 127.0.0.1:$SSH_PORT_CLIENT" > "$LAB_RUN/ports.txt"
    local t0=$SECONDS
    start_guest server listen "$SSH_PORT_SERVER"
    wait_until 30 "the server Pi's LAN socket" lan_port_open || return 1
    start_guest client connect "$SSH_PORT_CLIENT"
    wait_until 400 "ssh on the server Pi" ssh_ready server || { tail -n 40 "$LAB_RUN/server.console.log"; return 1; }
    log "server Pi answers ssh after $((SECONDS - t0)) s"
    wait_until 400 "ssh on the client Pi" ssh_ready client || { tail -n 40 "$LAB_RUN/client.console.log"; return 1; }
    log "client Pi answers ssh after $((SECONDS - t0)) s"
    log "ssh -i $LAB_KEY -p $SSH_PORT_SERVER $LAB_USER@127.0.0.1   (server Pi)"
    log "ssh -i $LAB_KEY -p $SSH_PORT_CLIENT $LAB_USER@127.0.0.1   (client Pi)"
}

cleanup() {
    [ -z "${LAB_DECODER_PID:-}" ] || kill "$LAB_DECODER_PID" 2>/dev/null || true
    if [ -n "${LAB_TOOLCHAIN_PID:-}" ] && kill -0 "$LAB_TOOLCHAIN_PID" 2>/dev/null; then
        kill -- "-$LAB_TOOLCHAIN_PID" 2>/dev/null || true
    fi
    if [ "$KEEP" = 1 ] && [ -f "$LAB_RUN/server.qemu-pid" ]; then
        log "--keep: guests left running (kill $(cat "$LAB_RUN"/*.qemu-pid | tr '\n' ' '))"
    else
        stop_guests
        rm -f "$LAB_RUN"/*.img
    fi
}
trap cleanup EXIT

t_start=$SECONDS
# The builds and the boot depend on each other: the first that fails ends them. The checks each
# give a verdict. The report is written whatever happened.
if stage "host packages" host_packages && start_toolchain &&
    stage "publish linux-arm64" publish_binaries && start_decoder_build &&
    stage "root file system (mmdebstrap)" build_rootfs &&
    stage "image (flash)" build_image &&
    stage "lab kernel module" build_module &&
    stage "boot two Pis" boot_guests; then
    stage "first boot" checks_first_boot || true
    stage "deploy (publish.ps1)" deploy_with_publish || true
    stage "checks" checks_after_deploy || true
fi
if [ -n "${LAB_CANNOT_RUN:-}" ]; then
    # Exit 77: the lab cannot run on this machine at all (not a failure of what it checks).
    echo "virtual Pi lab: cannot run on this machine: $LAB_CANNOT_RUN"
    exit 77
fi
stage "report" write_report "$((SECONDS - t_start))"
[ "$LAB_FAILED" = 0 ]
