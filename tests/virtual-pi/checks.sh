# What the lab checks on the two emulated Pis, from the host over ssh (sourced by run.sh).
# An ssh session into an emulated Pi costs seconds, so each step gathers what its checks look at in
# one session per Pi (gfacts, lib.sh), both Pis at once where the steps are independent; every
# check still judges what the Pi answered, and fails when a section did not run or did not hold.
# shellcheck shell=bash

LAB_DEBUGFS=/sys/kernel/debug/pisquare_lab

# in_parallel <function> <args...> -- <function> <args...>: both at once, waits for both.
in_parallel() {
    local first=() pid
    while [ "$1" != -- ]; do first+=("$1"); shift; done
    shift
    "${first[@]}" & pid=$!
    "$@" || true
    wait "$pid" || true
}

# --- first boot: the image as it comes off the card ---------------------------------------

first_boot_facts() {      # <guest>
    local g=$1
    {
        cat <<'SH'
sec hostname hostname
sec firstboot sh -c 'systemctl is-active pisquare-firstboot.service && cat /var/lib/pisquare/firstboot-done'
running() {
    local state
    state=$(systemctl is-system-running --wait 2>/dev/null)
    echo "$state"
    [ "$state" = running ] || { systemctl --failed --no-legend --plain; return 1; }
}
sec running running
sec hardware sh -c 'gpiodetect | grep pisquare-lab && ls -l /dev/i2c-1 && sudo i2cdetect -y 1 | grep -E "^(20|30):"'
sec boot_time systemd-analyze time
SH
        if [ "$g" = server ]; then
            # Type=notify: active only once it sent READY=1; a JIT or slow start may still be under way.
            cat <<'SH'
server_active() {
    wait_for 180 systemctl is-active -q pisquare-server.service
    systemctl is-active pisquare-server.service
}
sec server_active server_active
SH
        else
            # The server Pi may still be announcing itself: wait (bounded) for its name.
            cat <<'SH'
has_server() { getent hosts pisquare-server.local | grep -qF "$LAN_SERVER"; }
resolves() {
    wait_for 90 has_server
    getent hosts pisquare-server.local | grep -F "$LAN_SERVER"
}
sec resolves resolves
sec lan timeout 30 bash -c 'exec 3<>"/dev/tcp/$0/22" && head -c 7 <&3 | grep -F SSH-2.0' "$LAN_SERVER"
SH
        fi
    } | gfacts "$g" "$LAB_RUN/$g.first-boot.facts"
}
first_boot_hostname() {   # <guest> <expected>
    local name
    name=$(fact "$LAB_RUN/$1.first-boot.facts" hostname)
    echo "$name"
    [ "$name" = "$2" ]
}

checks_first_boot() {
    local s=$LAB_RUN/server.first-boot.facts c=$LAB_RUN/client.first-boot.facts
    in_parallel first_boot_facts server -- first_boot_facts client
    check "server Pi: host name from pisquare.txt" first_boot_hostname server pisquare-server
    check "client Pi: host name from pisquare.txt" first_boot_hostname client pisquare-client
    check "server Pi: first-boot unit ran" fact_check "$s" firstboot
    check "client Pi: first-boot unit ran" fact_check "$c" firstboot
    check "server Pi: boot finished (systemctl is-system-running)" fact_check "$s" running
    check "client Pi: boot finished (systemctl is-system-running)" fact_check "$c" running
    check "server Pi: lab GPIO chip and I2C bus present, display addresses answer" fact_check "$s" hardware
    check "client Pi: lab GPIO chip and I2C bus present, display addresses answer" fact_check "$c" hardware
    check "LAN: client Pi reaches the server Pi at $LAB_LAN_SERVER (TCP)" fact_check "$c" lan
    check "LAN: pisquare-server.local resolves to $LAB_LAN_SERVER (avahi)" fact_check "$c" resolves
    check "server Pi: pisquare-server started by itself at first boot" fact_check "$s" server_active
    local g
    for g in server client; do     # where the boot's time went (information, not a check)
        log "$g Pi's boot (systemd-analyze):"
        fact "$LAB_RUN/$g.first-boot.facts" boot_time | sed 's/^/    /'
    done
}

# --- deploy -----------------------------------------------------------------------------

deploy_with_publish() {
    if [ ! -f "$REPO/publish.ps1" ]; then
        log "publish.ps1 is not in the repo yet: the Pis keep what the image installed"
        LAB_CHECKS+=("FAIL publish.ps1 deploy: publish.ps1 not in the repo")
        LAB_FAILED=1
        return 1
    fi
    # As a user upgrading two Pis: the binaries built above, the units and config of the repo.
    # The settings go in publish.ps1's -Config form (a .psd1), which takes lists such as SshOption.
    cat > "$LAB_RUN/deploy.psd1" <<EOF
@{
    ServerHost = '$LAB_USER@127.0.0.1:$SSH_PORT_SERVER'
    ClientHost = '$LAB_USER@127.0.0.1:$SSH_PORT_CLIENT'
    ServerAddress = 'pisquare-server.local'
    IdentityFile = '$LAB_KEY'
    SshOption = @('StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR')
    ArtifactsPath = '$LAB_PUBLISH'
    StartTimeoutSeconds = 300
}
EOF
    (cd "$REPO" && dotnet pwsh -NoProfile ./publish.ps1 -Config "$LAB_RUN/deploy.psd1" -NoBuild) \
        > "$LAB_RUN/publish.log" 2>&1 || { tail -n 40 "$LAB_RUN/publish.log"; return 1; }
    tail -n 25 "$LAB_RUN/publish.log"
}

# --- report ----------------------------------------------------------------------------

write_report() {
    local total=$1 line name secs status g
    {
        echo "# Virtual Pi lab report ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
        echo
        echo "kernel: $(cat "$LAB_WORK/module/kernel-release" 2>/dev/null)"
        echo
        echo "## Stages"
        for line in "${LAB_STAGES[@]}"; do
            IFS='|' read -r name secs status <<<"$line"
            printf '%-36s %5s s  %s\n' "$name" "$secs" "$status"
        done
        printf '%-36s %5s s\n' total "$total"
        echo
        echo "## Checks"
        printf '%s\n' "${LAB_CHECKS[@]}"
        echo
        echo "## Disk"
        du -sh "$LAB_WORK" "$LAB_RUN" 2>/dev/null
        for g in server client; do
            if [ -f "$LAB_RUN/$g.display.txt" ]; then
                echo
                echo "## Display, $g Pi (final frame decoded from the captured I2C bytes; $g.display.png)"
                echo '```'
                cat "$LAB_RUN/$g.display.txt"
                echo '```'
            fi
            [ -f "$LAB_RUN/$g.gpio.exchange.log" ] || continue
            echo
            echo "## LED timeline, $g Pi"
            echo '```'
            python3 "$LAB_HERE/timeline.py" "$LAB_RUN/$g.gpio.exchange.log" || true
            echo '```'
        done
    } > "$LAB_RUN/report.md"
    cat "$LAB_RUN/report.md"
    log "report: $LAB_RUN/report.md"
}
