# What the lab checks on the two emulated Pis, from the host over ssh (sourced by run.sh).
# shellcheck shell=bash

LAB_DEBUGFS=/sys/kernel/debug/pisquare_lab

# --- first boot: the image as it comes off the card ---------------------------------------

first_boot_hostname() {   # <guest> <expected>
    local name
    name=$(gssh "$1" hostname)
    [ "$name" = "$2" ] && echo "$name"
}
first_boot_unit_ran() {
    gssh "$1" 'systemctl is-active pisquare-firstboot.service && cat /var/lib/pisquare/firstboot-done'
}
unit_active() {           # <guest> <unit>
    gssh "$1" "systemctl is-active $2"
}
boot_finished() {         # systemd's own verdict; lists failed units when degraded
    local state
    state=$(gssh "$1" 'systemctl is-system-running --wait 2>/dev/null || true')
    echo "$state"
    [ "$state" = running ] || { gssh "$1" 'systemctl --failed --no-legend --plain' ; return 1; }
}
lab_hardware() {          # the emulated board's GPIO chip and I2C bus, and who answers on it
    gssh "$1" 'gpiodetect | grep pisquare-lab && ls -l /dev/i2c-1 && sudo i2cdetect -y 1 | grep -E "^(20|30):"'
}
resolves_server() {       # avahi: the client finds the server by name on the link-local LAN
    gssh client 'getent hosts pisquare-server.local' | grep -F "$LAB_LAN_SERVER"
}
lan_reaches() {           # the client Pi opens a TCP connection to the server Pi's sshd over the LAN
    gssh client "timeout 30 bash -c 'exec 3<>/dev/tcp/$LAB_LAN_SERVER/22 && head -c 7 <&3'" | grep -F SSH-2.0
}

checks_first_boot() {
    check "server Pi: host name from pisquare.txt" first_boot_hostname server pisquare-server
    check "client Pi: host name from pisquare.txt" first_boot_hostname client pisquare-client
    check "server Pi: first-boot unit ran" first_boot_unit_ran server
    check "client Pi: first-boot unit ran" first_boot_unit_ran client
    check "server Pi: boot finished (systemctl is-system-running)" boot_finished server
    check "client Pi: boot finished (systemctl is-system-running)" boot_finished client
    check "server Pi: lab GPIO chip and I2C bus present, display addresses answer" lab_hardware server
    check "client Pi: lab GPIO chip and I2C bus present, display addresses answer" lab_hardware client
    check "LAN: client Pi reaches the server Pi at $LAB_LAN_SERVER (TCP)" lan_reaches
    check "LAN: pisquare-server.local resolves to $LAB_LAN_SERVER (avahi)" resolves_server
    check "server Pi: pisquare-server started by itself at first boot" \
        wait_until 180 "pisquare-server active" unit_active server pisquare-server.service
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

# --- after deploy ----------------------------------------------------------------------

server_prop() { gssh server "systemctl show pisquare-server.service -p $1 --value"; }

server_notify_ready() {   # Type=notify is "active" only after READY=1
    local type state
    type=$(server_prop Type); state=$(server_prop ActiveState)/$(server_prop SubState)
    echo "Type=$type $state status='$(server_prop StatusText)'"
    [ "$type" = notify ] && [ "$state" = active/running ]
}
server_hardened() {
    local pid user policy allow
    pid=$(server_prop MainPID)
    user=$(gssh server "ps -o user= -p $pid")
    policy=$(server_prop DevicePolicy)
    allow=$(server_prop DeviceAllow)
    echo "runs as '$user', DevicePolicy=$policy, DeviceAllow=$allow"
    [ -n "$user" ] && [ "$user" != root ] && [ "$policy" != auto ] && [ -n "$allow" ]
}
client_binary() {
    gssh client "systemctl cat 'pisquare-client*.service' 2>/dev/null | sed -n 's/^ExecStart=[-@+!]*\([^ ]*\).*/\1/p' | head -n 1"
}
client_unit_summary() {   # the latest "Summary: OK: ..." line the client unit wrote to its journal
    gssh client "journalctl -u pisquare-client -o cat --no-pager | grep -E '^Summary: OK: ([0-9,]+) of \\1 squares verified, 0 errors' | tail -n 1" | grep .
}
client_unit_active() {    # the client Pi's own unit runs whole exchanges with nobody logged in
    if wait_until 240 "a verified run of pisquare-client" client_unit_summary; then
        client_unit_summary
    else
        gssh client "systemctl status pisquare-client --no-pager -n 8" | tail -n 12
        return 1
    fi
}
quiet_client_unit() {     # the checks below drive the client by hand, with a known count
    gssh client "sudo systemctl stop 'pisquare-client*.timer' 'pisquare-client*.service' 2>/dev/null || true"
}
# Where each Pi's GPIO record stands before the exchange: the LED checks look at what follows. The
# I2C record is kept whole, so that the decoder sees the display's set-up at start as well.
mark_records() {
    local g n
    for g in server client; do
        n=$(gssh "$g" "sudo cat $LAB_DEBUGFS/gpio | wc -l") || n=0
        printf -v "LAB_GPIO_FROM_${g^^}" '%s' "$n"
    done
}
# client_run <args>: the client program on the client Pi with the board's and the unit's settings.
client_run() {
    local bin
    bin=$(client_binary)
    gssh client "set -a; . /etc/pisquare/client.env 2>/dev/null; . /etc/pisquare/board.env 2>/dev/null; set +a; $bin $*"
}
client_exchange() {       # <count>: one exchange across the virtual LAN, every square checked
    client_run --host pisquare-server.local --count "$1" --quiet "; echo exit=\$?" > "$LAB_RUN/client-exchange.txt" 2>&1 || true
    tail -n 4 "$LAB_RUN/client-exchange.txt"
    grep -q '^exit=0$' "$LAB_RUN/client-exchange.txt"
}
# The unit logs the exchange category at Warning (docs/SYSTEMD.md: one Information line per
# connection would flood a Pi's journal), so a clean connection leaves no line and a connection
# closed on an error leaves one at priority 4. The lab makes one: a web request to the server.
warnings_502() {
    gssh server "journalctl -u pisquare-server -p warning..warning -o cat --no-pager | grep -c 'closing on error: ERR 502 handshake required'" || true
}
more_warnings_than() { [ "$(warnings_502)" -gt "$1" ]; }
journal_priorities() {
    local before reply
    before=$(warnings_502)
    reply=$(gssh client "exec 3<>/dev/tcp/pisquare-server.local/50007 && printf 'GET / HTTP/1.0\r\n\r\n' >&3 && timeout 30 cat <&3")
    echo "server answered a web request from the client Pi: $reply"
    wait_until 60 "the warning in the server's journal" more_warnings_than "$before" || return 1
    gssh server "journalctl -u pisquare-server -p warning..warning -o short --no-pager | grep 'closing on error: ERR 502' | tail -n 1"
    gssh server "journalctl -u pisquare-server -p info..info -o short --no-pager | grep 'Listening on' | tail -n 1" | grep . &&
        [ -z "$(gssh server "journalctl -u pisquare-server -p warning -o cat --no-pager | grep 'Listening on'")" ] &&
        [ -z "$(gssh server "journalctl -u pisquare-server -p info..info -o cat --no-pager | grep 'closing on error'")" ]
}
client_connected() {
    gssh server "ss -Htn state established '( sport = :50007 )' | grep -qF '$LAB_LAN_CLIENT'"
}
# A long client run in the background on the client Pi, for the stop and kill checks. Its length
# comes from the rate the 1000-square lockstep run measured: about 60 s of squares, so that a stop
# or a kill seen over ssh (seconds per command under emulation) always lands in the middle of it.
long_count() {
    local rate
    rate=$(grep -Eo '[0-9][0-9,]* squares/s' "$LAB_RUN/client-exchange.txt" 2>/dev/null | tail -n 1 | tr -dc 0-9)
    rate=${rate:-50}
    local n=$((rate * 60))
    [ "$n" -ge 1000 ] || n=1000
    [ "$n" -le 2000000 ] || n=2000000
    echo "$n"
}
long_run_start() {        # <name>
    gssh client "rm -f /tmp/$1.txt"
    client_run --host pisquare-server.local --count "$(long_count)" --retries 30 --quiet \
        "> /tmp/$1.txt 2>&1; echo exit=\$? >> /tmp/$1.txt" </dev/null >/dev/null 2>&1 &
    LAB_LONG_PID=$!
}
long_run_done() { ! kill -0 "$LAB_LONG_PID" 2>/dev/null; }
long_run_result() {       # <name>: every square verified, after at least one reconnect
    wait_until 600 "the client's run" long_run_done || { kill "$LAB_LONG_PID" 2>/dev/null; return 1; }
    wait "$LAB_LONG_PID" 2>/dev/null || true
    gssh client "cat /tmp/$1.txt" > "$LAB_RUN/client-$1.txt"
    grep -E '^(Summary|exit=)|shutting down|lost|reconnect' "$LAB_RUN/client-$1.txt" | tail -n 4
    grep -q '^exit=0$' "$LAB_RUN/client-$1.txt" &&
        grep -Eq '^Summary: OK: ([0-9,]+) of \1 squares verified, 0 errors, [1-9][0-9,]* reconnects?,' "$LAB_RUN/client-$1.txt"
}
stop_drains() {           # systemctl stop mid-exchange: BYE, exit 0; started again, the client finishes
    local t0 result status
    long_run_start stop
    wait_until 120 "the client's connection" client_connected || return 1
    t0=$SECONDS
    gssh server 'sudo systemctl stop pisquare-server.service'
    result=$(server_prop Result); status=$(server_prop ExecMainStatus)
    echo "stopped in $((SECONDS - t0)) s, Result=$result ExecMainStatus=$status"
    gssh server 'sudo systemctl start pisquare-server.service'
    long_run_result stop && [ "$result" = success ] && [ "$status" = 0 ]
}
restarted_since() { [ "$(server_prop NRestarts)" -gt "$1" ]; }
kill9_restart() {         # kill -9 mid-exchange: systemd restarts the server, the client loses nothing
    local before after
    before=$(server_prop NRestarts)
    long_run_start kill9
    wait_until 120 "the client's connection" client_connected || return 1
    gssh server 'sudo systemctl kill -s KILL pisquare-server.service'
    wait_until 180 "systemd's restart of the server" restarted_since "$before" || return 1
    after=$(server_prop NRestarts)
    echo "NRestarts $before -> $after"
    long_run_result kill9
}
capture_hardware() {      # the records of each Pi's lab GPIO chip and I2C bus
    local g
    for g in server client; do
        local from_var="LAB_GPIO_FROM_${g^^}"
        gssh "$g" "sudo cat $LAB_DEBUGFS/gpio" > "$LAB_RUN/$g.gpio.log" || return 1
        gssh "$g" "sudo cat $LAB_DEBUGFS/i2c" > "$LAB_RUN/$g.i2c.log" || return 1
        tail -n +"$(( ${!from_var:-0} + 1 ))" "$LAB_RUN/$g.gpio.log" > "$LAB_RUN/$g.gpio.exchange.log"
        echo "$g: $(wc -l < "$LAB_RUN/$g.gpio.exchange.log") GPIO changes in the exchange, $(wc -l < "$LAB_RUN/$g.i2c.log") I2C transfers since boot, lost: $(gssh "$g" "sudo cat $LAB_DEBUGFS/gpio_lost $LAB_DEBUGFS/i2c_lost" | tr '\n' ' ')"
    done
}
led_sequence() {          # <guest>: the LED sequence docs/wiring.md describes, from the exact record
    local from_var="LAB_GPIO_FROM_${1^^}"
    python3 "$LAB_HERE/leds.py" "$LAB_RUN/$1.gpio.log" "$1" "$(( ${!from_var:-0} + 1 ))"
}
build_decoder() {
    [ -x "$LAB_WORK/labdecode/LabDecode" ] && [ "$LAB_WORK/labdecode/LabDecode" -nt "$LAB_HERE/LabDecode/Program.cs" ] ||
        dotnet build "$LAB_HERE/LabDecode" -c Release -o "$LAB_WORK/labdecode" -nologo -v quiet >/dev/null
}
display_reads() {         # <guest> <text>: the final frame, decoded from the captured bytes, shows <text>
    local g=$1
    build_decoder || { echo "LabDecode does not build (src/Indicators.Testing missing?)"; return 1; }
    local decoded=0
    "$LAB_WORK/labdecode/LabDecode" "$LAB_RUN/$g.i2c.log" ssd1306 0x3C "$LAB_RUN/$g.display" > "$LAB_RUN/$g.display.txt" || decoded=$?
    [ ! -f "$LAB_RUN/$g.display.frame.txt" ] || python3 "$LAB_HERE/frame2png.py" "$LAB_RUN/$g.display.frame.txt" "$LAB_RUN/$g.display.png"
    grep '^SSD1306:' "$LAB_RUN/$g.display.txt"
    sed -n '/^text read back/,$p' "$LAB_RUN/$g.display.txt"
    # LabDecode exits 0 only when the panel was switched on and received pixels.
    [ "$decoded" = 0 ] && grep -qF -- "$2" "$LAB_RUN/$g.display.text.txt"
}

checks_after_deploy() {
    check "server Pi: pisquare-server active, Type=notify (READY=1 sent)" server_notify_ready
    check "server Pi: hardened (not root, device allow-list)" server_hardened
    check "client Pi: its unit runs the exchange by itself" client_unit_active
    quiet_client_unit
    mark_records
    check "client Pi: 1000 squares across the virtual LAN" client_exchange 1000
    check "hardware records captured" capture_hardware
    check "server Pi: LEDs: status on, a flash per square, error never on" led_sequence server
    check "client Pi: LEDs: status on, a flash per square, error never on" led_sequence client
    check "server Pi: display reads the last square (998001)" display_reads server 998001
    check "client Pi: display reads the last square (998001)" display_reads client 998001
    check "server Pi: journalctl over ssh: a connection closed on an error at priority 4 (warning), start-up at 6 (info)" journal_priorities
    check "server Pi: systemctl stop drains and exits 0" stop_drains
    check "kill -9: systemd restarts the server, the client finishes with nothing lost" kill9_restart
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
