# The checks after publish.ps1 deployed to the two emulated Pis (sourced by run.sh after checks.sh).
# shellcheck shell=bash

# --- after deploy ----------------------------------------------------------------------

# prop <facts-file> <section> <Name>: one Name=value line of a `systemctl show` section.
prop() { fact "$1" "$2" | sed -n "s/^$3=//p" | paste -sd ' '; }

server_unit_facts() {     # the server unit as systemd sees it, and the user its process runs as
    gfacts server "$LAB_RUN/server.unit.facts" <<'SH'
sec show systemctl show pisquare-server.service -p Type -p ActiveState -p SubState -p StatusText -p MainPID -p DevicePolicy -p DeviceAllow
sec user sh -c 'ps -o user= -p "$(systemctl show -p MainPID --value pisquare-server.service)"'
SH
}
# The client Pi's own unit runs whole exchanges with nobody logged in: wait for a verified one, then
# quiet it (the checks below drive the client by hand, with a known count) and mark where its GPIO
# record stands; the LED checks look at what follows.
client_unit_facts() {
    gfacts client "$LAB_RUN/client.unit.facts" <<'SH'
summary() { journalctl -u pisquare-client -o cat --no-pager | grep -E '^Summary: OK: ([0-9,]+) of \1 squares verified, 0 errors' | tail -n 1; }
has_summary() { summary | grep -q .; }
unit_summary() {
    wait_for 240 has_summary || { systemctl status pisquare-client --no-pager -n 8 | tail -n 12; return 1; }
    summary
}
sec summary unit_summary
sec quiet sh -c "sudo systemctl stop 'pisquare-client*.timer' 'pisquare-client*.service' 2>/dev/null || true"
sec binary sh -c "systemctl cat 'pisquare-client*.service' 2>/dev/null | sed -n 's/^ExecStart=[-@+!]*\([^ ]*\).*/\1/p' | head -n 1"
sec gpio_lines sh -c "sudo cat $DEBUGFS/gpio | wc -l"
SH
}
# The server's mark, once the client's unit is quiet, and its count of connections closed on an error.
server_mark_facts() {
    gfacts server "$LAB_RUN/server.mark.facts" <<'SH'
sec gpio_lines sh -c "sudo cat $DEBUGFS/gpio | wc -l"
sec warnings_502 sh -c "journalctl -u pisquare-server -p warning..warning -o cat --no-pager | grep -c 'closing on error: ERR 502 handshake required'"
SH
}
server_notify_ready() {   # Type=notify is "active" only after READY=1
    local f=$LAB_RUN/server.unit.facts type state
    type=$(prop "$f" show Type); state=$(prop "$f" show ActiveState)/$(prop "$f" show SubState)
    echo "Type=$type $state status='$(prop "$f" show StatusText)'"
    [ "$type" = notify ] && [ "$state" = active/running ]
}
server_hardened() {
    local f=$LAB_RUN/server.unit.facts user policy allow
    user=$(fact "$f" user | tr -d ' ')
    policy=$(prop "$f" show DevicePolicy)
    allow=$(prop "$f" show DeviceAllow)
    echo "runs as '$user', DevicePolicy=$policy, DeviceAllow=$allow"
    [ "$(fact_rc "$f" user)" = 0 ] && [ -n "$user" ] && [ "$user" != root ] && [ "$policy" != auto ] && [ -n "$allow" ]
}
# client_run <args>: the client program on the client Pi with the board's and the unit's settings.
client_run() {
    gssh client "set -a; . /etc/pisquare/client.env 2>/dev/null; . /etc/pisquare/board.env 2>/dev/null; set +a; $LAB_CLIENT_BIN $*"
}
client_exchange() {       # <count>: one exchange across the virtual LAN, every square checked
    [ -n "$LAB_CLIENT_BIN" ] || { echo "no ExecStart= in the client Pi's pisquare-client unit"; return 1; }
    client_run --host pisquare-server.local --count "$1" --quiet "; echo exit=\$?" > "$LAB_RUN/client-exchange.txt" 2>&1 || true
    tail -n 4 "$LAB_RUN/client-exchange.txt"
    grep -q '^exit=0$' "$LAB_RUN/client-exchange.txt"
}
capture_facts() {         # <guest>: the records of its lab GPIO chip and I2C bus
    gfacts "$1" "$LAB_RUN/$1.records.facts" <<'SH'
sec gpio sudo cat "$DEBUGFS/gpio"
sec i2c sudo cat "$DEBUGFS/i2c"
sec lost sudo cat "$DEBUGFS/gpio_lost" "$DEBUGFS/i2c_lost"
SH
}
capture_hardware() {
    local g f from_var
    for g in server client; do
        f=$LAB_RUN/$g.records.facts from_var="LAB_GPIO_FROM_${g^^}"
        [[ ${!from_var:-} =~ ^[0-9]+$ ]] || { echo "no mark of where the $g Pi's GPIO record stood before the exchange"; return 1; }
        fact_check "$f" gpio > "$LAB_RUN/$g.gpio.log" && fact_check "$f" i2c > "$LAB_RUN/$g.i2c.log" || return 1
        tail -n +"$(( ${!from_var:-0} + 1 ))" "$LAB_RUN/$g.gpio.log" > "$LAB_RUN/$g.gpio.exchange.log"
        echo "$g: $(wc -l < "$LAB_RUN/$g.gpio.exchange.log") GPIO changes in the exchange, $(wc -l < "$LAB_RUN/$g.i2c.log") I2C transfers since boot, lost: $(fact "$f" lost | tr '\n' ' ')"
        [ "$(fact_rc "$f" lost)" = 0 ] || return 1
    done
}
led_sequence() {          # <guest>: the LED sequence docs/wiring.md describes, from the exact record
    local from_var="LAB_GPIO_FROM_${1^^}"
    python3 "$LAB_HERE/leds.py" "$LAB_RUN/$1.gpio.log" "$1" "$(( ${!from_var:-0} + 1 ))"
}
# The decoder is built in the background while the image is made (start_decoder_build, run.sh).
start_decoder_build() {
    if [ -x "$LAB_WORK/labdecode/LabDecode" ] && [ "$LAB_WORK/labdecode/LabDecode" -nt "$LAB_HERE/LabDecode/Program.cs" ]; then
        LAB_DECODER_PID=
        return 0
    fi
    dotnet build "$LAB_HERE/LabDecode" -c Release -o "$LAB_WORK/labdecode" -nologo -v quiet > "$LAB_RUN/labdecode.build.log" 2>&1 &
    LAB_DECODER_PID=$!
}
join_decoder_build() {
    LAB_DECODER_OK=1
    if [ -n "${LAB_DECODER_PID:-}" ] && ! wait "$LAB_DECODER_PID"; then
        LAB_DECODER_OK=0
        tail -n 20 "$LAB_RUN/labdecode.build.log"
    fi
    LAB_DECODER_PID=
}
display_reads() {         # <guest> <text>: the final frame, decoded from the captured bytes, shows <text>
    local g=$1 decoded=0
    [ "${LAB_DECODER_OK:-0}" = 1 ] || { echo "LabDecode does not build (src/Indicators.Testing missing?)"; return 1; }
    "$LAB_WORK/labdecode/LabDecode" "$LAB_RUN/$g.i2c.log" ssd1306 0x3C "$LAB_RUN/$g.display" > "$LAB_RUN/$g.display.txt" || decoded=$?
    [ ! -f "$LAB_RUN/$g.display.frame.txt" ] || python3 "$LAB_HERE/frame2png.py" "$LAB_RUN/$g.display.frame.txt" "$LAB_RUN/$g.display.png"
    grep '^SSD1306:' "$LAB_RUN/$g.display.txt"
    sed -n '/^text read back/,$p' "$LAB_RUN/$g.display.txt"
    # LabDecode exits 0 only when the panel was switched on and received pixels.
    [ "$decoded" = 0 ] && grep -qF -- "$2" "$LAB_RUN/$g.display.text.txt"
}
# The unit logs the exchange category at Warning (docs/SYSTEMD.md: one Information line per
# connection would flood a Pi's journal), so a clean connection leaves no line and a connection
# closed on an error leaves one at priority 4. The lab makes one: a web request to the server.
journal_priorities() {
    local before reply f=$LAB_RUN/server.journal.facts
    before=$(fact "$LAB_RUN/server.mark.facts" warnings_502)
    [ -n "$before" ] || { echo "no count of the server's earlier warnings"; return 1; }
    reply=$(gssh client "exec 3<>/dev/tcp/pisquare-server.local/50007 && printf 'GET / HTTP/1.0\r\n\r\n' >&3 && timeout 30 cat <&3")
    echo "server answered a web request from the client Pi: $reply"
    { echo "BEFORE=$before"; cat <<'SH'; } | gfacts server "$f"
count() { journalctl -u pisquare-server -p warning..warning -o cat --no-pager | grep -c 'closing on error: ERR 502 handshake required'; }
warned_again() { [ "$(count)" -gt "$BEFORE" ]; }
warned() {
    wait_for 60 warned_again || { echo "no new warning in the server's journal"; return 1; }
    journalctl -u pisquare-server -p warning..warning -o short --no-pager | grep 'closing on error: ERR 502' | tail -n 1
}
sec warning warned
sec startup_info sh -c "journalctl -u pisquare-server -p info..info -o short --no-pager | grep 'Listening on' | tail -n 1 | grep ."
sec startup_not_warning sh -c "! journalctl -u pisquare-server -p warning -o cat --no-pager | grep 'Listening on'"
sec error_not_info sh -c "! journalctl -u pisquare-server -p info..info -o cat --no-pager | grep 'closing on error'"
SH
    fact_check "$f" warning && fact_check "$f" startup_info && fact_check "$f" startup_not_warning && fact_check "$f" error_not_info
}
# A long client run in the background on the client Pi, for the stop and kill checks. Its length
# comes from the rate the 1000-square lockstep run measured, in the same conditions: about 10 s of
# squares. The run starts once the server's ssh session is waiting for the client's connection (its
# "connected" section has begun: an ssh log-in alone takes seconds on an emulated CPU), so the stop
# or the kill lands within about a second of the connection (quiet: after 455 of 18,150 squares),
# early in the run. Should it ever land after the run's end, the check fails: it wants a reconnect.
long_count() {
    local rate
    rate=$(grep -Eo '[0-9][0-9,]* squares/s' "$LAB_RUN/client-exchange.txt" 2>/dev/null | tail -n 1 | tr -dc 0-9)
    rate=${rate:-50}
    local n=$((rate * 10))
    [ "$n" -ge 1000 ] || n=1000
    [ "$n" -le 2000000 ] || n=2000000
    echo "$n"
}
long_run_start() {        # <name>
    client_run --host pisquare-server.local --count "$(long_count)" --retries 30 --quiet \
        "2>&1; echo exit=\$?" </dev/null > "$LAB_RUN/client-$1.txt" 2>&1 &
    LAB_LONG_PID=$!
}
long_run_done() { ! kill -0 "$LAB_LONG_PID" 2>/dev/null; }
long_run_result() {       # <name>: every square verified, after at least one reconnect
    wait_until 600 "the client's run" long_run_done || { kill "$LAB_LONG_PID" 2>/dev/null; return 1; }
    wait "$LAB_LONG_PID" 2>/dev/null || true
    grep -E '^(Summary|exit=)|shutting down|lost|reconnect' "$LAB_RUN/client-$1.txt" | tail -n 4
    grep -q '^exit=0$' "$LAB_RUN/client-$1.txt" &&
        grep -Eq '^Summary: OK: ([0-9,]+) of \1 squares verified, 0 errors, [1-9][0-9,]* reconnects?,' "$LAB_RUN/client-$1.txt"
}
# In the server's session: wait (bounded) until the client Pi is connected over the LAN.
LAB_CONNECTED_SH='client_in() { ss -Htn state established "( sport = :50007 )" | grep -qF "$LAN_CLIENT"; }
connected() { EVERY=0.2 wait_for 120 client_in; }'
stop_drains() {           # systemctl stop mid-exchange: BYE, exit 0; started again, the client finishes
    local f=$LAB_RUN/server.stop.facts result status session
    { echo "$LAB_CONNECTED_SH"; cat <<'SH'; } | gfacts server "$f" &
stop() { local t0=$SECONDS; sudo systemctl stop pisquare-server.service && echo "stopped in $((SECONDS - t0)) s"; }
sec connected connected || exit 0
sec stop stop
sec result systemctl show pisquare-server.service -p Result -p ExecMainStatus
sec start sudo systemctl start pisquare-server.service
SH
    session=$!
    wait_until 120 "the server Pi's session" grep -q '^@@@< connected' "$f"
    long_run_start stop
    wait "$session"
    fact_check "$f" connected >/dev/null || { echo "the client never connected"; long_run_result stop; return 1; }
    result=$(prop "$f" result Result); status=$(prop "$f" result ExecMainStatus)
    echo "$(fact "$f" stop), Result=$result ExecMainStatus=$status"
    long_run_result stop && [ "$(fact_rc "$f" stop)" = 0 ] && [ "$(fact_rc "$f" start)" = 0 ] &&
        [ "$result" = success ] && [ "$status" = 0 ]
}
kill9_restart() {         # kill -9 mid-exchange: systemd restarts the server, the client loses nothing
    local f=$LAB_RUN/server.kill9.facts session
    { echo "$LAB_CONNECTED_SH"; cat <<'SH'; } | gfacts server "$f" &
restarts() { systemctl show pisquare-server.service -p NRestarts --value; }
before=$(restarts)
restarted_again() { [ "$(restarts)" -gt "$before" ]; }
restarted() {
    wait_for 180 restarted_again || { echo "no restart after the kill (NRestarts $before)"; return 1; }
    echo "NRestarts $before -> $(restarts)"
}
sec connected connected || exit 0
sec kill sudo systemctl kill -s KILL pisquare-server.service
sec restarted restarted
SH
    session=$!
    wait_until 120 "the server Pi's session" grep -q '^@@@< connected' "$f"
    long_run_start kill9
    wait "$session"
    fact_check "$f" connected >/dev/null || { echo "the client never connected"; long_run_result kill9; return 1; }
    fact_check "$f" kill && fact_check "$f" restarted || { long_run_result kill9; return 1; }
    long_run_result kill9
}

checks_after_deploy() {
    in_parallel server_unit_facts -- client_unit_facts
    check "server Pi: pisquare-server active, Type=notify (READY=1 sent)" server_notify_ready
    check "server Pi: hardened (not root, device allow-list)" server_hardened
    check "client Pi: its unit runs the exchange by itself" fact_check "$LAB_RUN/client.unit.facts" summary
    server_mark_facts
    LAB_CLIENT_BIN=$(fact "$LAB_RUN/client.unit.facts" binary)
    LAB_GPIO_FROM_CLIENT=$(fact "$LAB_RUN/client.unit.facts" gpio_lines)
    LAB_GPIO_FROM_SERVER=$(fact "$LAB_RUN/server.mark.facts" gpio_lines)
    check "client Pi: 1000 squares across the virtual LAN" client_exchange 1000
    in_parallel capture_facts server -- capture_facts client
    check "hardware records captured" capture_hardware
    check "server Pi: LEDs: status on, a flash per square, error never on" led_sequence server
    check "client Pi: LEDs: status on, a flash per square, error never on" led_sequence client
    join_decoder_build
    check "server Pi: display reads the last square (998001)" display_reads server 998001
    check "client Pi: display reads the last square (998001)" display_reads client 998001
    check "server Pi: journalctl over ssh: a connection closed on an error at priority 4 (warning), start-up at 6 (info)" journal_priorities
    check "server Pi: systemctl stop drains and exits 0" stop_drains
    check "kill -9: systemd restarts the server, the client finishes with nothing lost" kill9_restart
}

