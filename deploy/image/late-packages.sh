#!/bin/bash
# mmdebstrap customize hook: installs the packages the initramfs is not made of (packages.txt, below
# its "#@late" line) while the initramfs is built (initramfs-once.sh build) beside them. Under
# qemu-user both are single-threaded emulation, so on two cores they take about as long together
# as the longer of the two, instead of one after the other.
#   late-packages.sh <root> <package>...
# Safe only if the late packages leave alone what the initramfs is made of: this checks that they
# changed none of the modules, udev's rules and hwdb, modprobe's and initramfs-tools' files, and
# upgraded or removed no package (the binaries the initramfs copies, and their libraries); the
# build fails with the reason if they did, and such a package belongs above "#@late".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${1:?root}; shift
[ $# -gt 0 ] || { echo "late-packages: no packages" >&2; exit 1; }

made_of() {
    (cd "$root" && find usr/lib/modules usr/lib/udev etc/udev etc/initramfs-tools usr/share/initramfs-tools \
            etc/modprobe.d usr/lib/modprobe.d etc/modules \( -type f -o -type l \) -print0 2>/dev/null |
        sort -z | xargs -0 -r sha256sum)
}

before=$(made_of)
dpkg_lines=$(wc -l < "$root/var/log/dpkg.log")
start=$SECONDS
"$here/initramfs-once.sh" build "$root" &
initramfs=$!

# As mmdebstrap installs its --include packages: the host's apt, dpkg in the root.
status=0
APT_CONFIG=$MMDEBSTRAP_APT_CONFIG DEBIAN_FRONTEND=noninteractive apt-get \
    -o Dir::Bin::dpkg=env -o DPkg::Options::=--unset=TMPDIR -o DPkg::Options::=dpkg \
    -o DPkg::Chroot-Directory="$root" --yes --no-install-recommends install "$@" || status=$?
echo "late-packages: $# packages installed in $((SECONDS - start)) s (exit $status)"
initramfs_status=0
wait "$initramfs" || initramfs_status=$?
echo "late-packages: initramfs and packages together in $((SECONDS - start)) s"
[ "$status" = 0 ] && [ "$initramfs_status" = 0 ] || exit 1

after=$(made_of)
if [ "$after" != "$before" ]; then
    echo "late-packages: the late packages changed what the initramfs is made of (modules, udev, modprobe or initramfs-tools files): move the package owning these above '#@late' in packages.txt:" >&2
    diff <(echo "$before") <(echo "$after") | grep '^[<>]' >&2 || true
    exit 1
fi
changed=$(tail -n +"$((dpkg_lines + 1))" "$root/var/log/dpkg.log" | grep -E '^[^ ]+ [^ ]+ (upgrade|remove|purge) ' || true)
if [ -n "$changed" ]; then
    printf 'late-packages: the late packages upgraded or removed packages the initramfs may copy from:\n%s\n' "$changed" >&2
    exit 1
fi
