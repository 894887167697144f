# Starting and stopping the emulated Pis (sourced by run.sh).
# shellcheck shell=bash

# Addresses: link-local only. The private LAN between the Pis is a QEMU socket netdev over
# 127.0.0.1 (nothing else can reach it); each Pi's management port is a restrict=on user netdev
# whose only way in is the ssh port forwarded on 127.0.0.1. It has no IPv6: QEMU's router
# advertisement would move the guest's IPv6 address on it during boot, and avahi then took its own
# old announcement for another host's and renamed the Pi pisquare-server-2.local.
LAB_LAN_SERVER=169.254.10.1
LAB_LAN_CLIENT=169.254.10.2
LAB_MGMT_NET=169.254.250.0/24
LAB_MGMT_HOST=169.254.250.2
LAB_MGMT_GUEST=169.254.250.15
LAB_LAN_IFACE=eth0      # first virtio-net (PCI slot 3, the LAN); raspi-firmware's cmdline.txt sets net.ifnames=0

# prepare_guest <name> <role>: the guest's own copy of the image (sparse), with its
# pisquare.txt edited on the FAT partition with mtools, as a user would on the SD card.
prepare_guest() {
    local name=$1 role=$2 disk=$LAB_RUN/$1.img address
    cp --sparse=always "$LAB_IMAGE" "$disk" || return 1
    if [ "$role" = server ]; then address=$LAB_LAN_SERVER; else address=$LAB_LAN_CLIENT; fi
    {
        echo "# virtual Pi lab: $name"
        echo "role=$role"
        echo "hostname=pisquare-$role"
        echo "user=$LAB_USER"
        echo "ssh_key=$(cat "$LAB_KEY.pub")"
        echo "server=pisquare-server.local"
        echo "port=50007"
        echo "address=$address/16"
        echo "interface=$LAB_LAN_IFACE"
        # The emulated board is not a Raspberry Pi: name its GPIO chip and I2C bus explicitly.
        cat "$LAB_HERE/lab-hardware.txt"
    } | sed 's/$/\r/' > "$LAB_RUN/$name.pisquare.txt"    # edited on Windows, CRLF and all
    mcopy -o -i "$disk@@${LAB_BOOT_OFFSET}" "$LAB_RUN/$name.pisquare.txt" ::pisquare.txt || return 1
}

# start_guest <name> <lan: listen|connect> <ssh port>: boots a guest in the background.
start_guest() {
    local name=$1 lan=$2 ssh_port=$3 mac_n
    if [ "$name" = server ]; then mac_n=01; else mac_n=02; fi
    qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 1 -m 512 -accel tcg,tb-size=128 \
        -display none -monitor none -serial "file:$LAB_RUN/$name.console.log" \
        -kernel "$LAB_WORK/vmlinuz" -initrd "$LAB_WORK/lab-initrd.img" \
        -append "$LAB_CMDLINE" \
        -drive "if=none,id=sd,file=$LAB_RUN/$name.img,format=raw,cache=unsafe,discard=unmap" \
        -device virtio-blk-pci,drive=sd,addr=0x2 \
        -netdev "socket,id=lan,$lan=127.0.0.1:$LAB_LAN_PORT" \
        -device "virtio-net-pci,netdev=lan,mac=52:54:00:5a:0a:$mac_n,addr=0x3" \
        -netdev "user,id=mgmt,restrict=on,ipv6=off,net=$LAB_MGMT_NET,host=$LAB_MGMT_HOST,dhcpstart=$LAB_MGMT_GUEST,hostfwd=tcp:127.0.0.1:$ssh_port-:22" \
        -device "virtio-net-pci,netdev=mgmt,mac=52:54:00:5a:fa:$mac_n,addr=0x4" \
        -pidfile "$LAB_RUN/$name.pid" \
        > "$LAB_RUN/$name.qemu.log" 2>&1 &
    echo $! > "$LAB_RUN/$name.qemu-pid"
}

stop_guests() {
    local name pid
    for name in server client; do
        [ -f "$LAB_RUN/$name.qemu-pid" ] || continue
        pid=$(cat "$LAB_RUN/$name.qemu-pid")
        kill "$pid" 2>/dev/null || true
    done
    for name in server client; do
        [ -f "$LAB_RUN/$name.qemu-pid" ] || continue
        pid=$(cat "$LAB_RUN/$name.qemu-pid")
        for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$LAB_RUN/$name.qemu-pid"
    done
}

# Looks at the listening socket without connecting: the first connection would become the LAN.
lan_port_open() { ss -Hltn "sport = :$LAB_LAN_PORT" | grep -q .; }
ssh_ready() { gssh "$1" true; }
