# Shared helpers of the virtual Pi lab (sourced by run.sh): stages with timings, bounded waits,
# ssh into a guest, results.
# shellcheck shell=bash

LAB_STAGES=()      # "name|seconds|status"
LAB_CHECKS=()      # "PASS|FAIL name: detail"
LAB_FAILED=0

log() { printf '[lab %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# stage <name> <command...>: runs a stage, records its time; a failing stage stops the run.
stage() {
    local name=$1; shift
    local t0=$SECONDS status=ok
    log "== $name"
    if ! "$@"; then status=FAILED; fi
    LAB_STAGES+=("$name|$((SECONDS - t0))|$status")
    log "== $name: $status in $((SECONDS - t0)) s"
    if [ "$status" != ok ]; then
        LAB_FAILED=1
        return 1
    fi
}

# check <name> <command...>: one verdict of the report; a failed check does not stop the run.
check() {
    local name=$1; shift
    local detail
    if detail=$("$@" 2>&1); then
        LAB_CHECKS+=("PASS $name${detail:+: ${detail//$'\n'/ / }}")
        log "PASS $name"
    else
        LAB_CHECKS+=("FAIL $name${detail:+: ${detail//$'\n'/ / }}")
        LAB_FAILED=1
        log "FAIL $name"
        [ -z "$detail" ] || printf '%s\n' "$detail" | sed 's/^/    /'
    fi
}

# wait_until <seconds> <what> <command...>: polls a condition every second, bounded in time.
wait_until() {
    local limit=$1 what=$2; shift 2
    local deadline=$((SECONDS + limit))
    while ! "$@" >/dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            log "timed out after $limit s waiting for $what"
            return 1
        fi
        sleep 1
    done
}

# gssh <guest> <command>: runs a shell command on a guest as the image's user.
gssh() {
    local guest=$1; shift
    local port_var="SSH_PORT_${guest^^}"
    ssh -q -i "$LAB_KEY" -p "${!port_var}" \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
        -o ConnectTimeout=10 -o ServerAliveInterval=10 -o ServerAliveCountMax=6 -o BatchMode=yes \
        "$LAB_USER@127.0.0.1" "$@"
}

# gfacts <guest> <facts-file> < script: runs a bash script on a guest in ONE ssh session (each
# session costs seconds on an emulated CPU) and keeps its output. In the script, `sec <name> <command...>`
# runs one command and brackets its output and exit status, which fact/fact_rc read back; a
# section the session never reached has no status, so a check built on it fails.
# `wait_for <seconds> <command...>` polls a quiet condition inside the guest (every second, or every
# $EVERY s) until it holds, bounded in time: one session waits, rather than one ssh per poll.
# The script sees LAN_SERVER, LAN_CLIENT and DEBUGFS.
LAB_GUEST_SH='sec() { local n=$1 rc; shift; echo "@@@< $n"; "$@" 2>&1; rc=$?; echo "@@@> $n $rc"; return $rc; }
wait_for() {
    local limit=$1 deadline=$((SECONDS + $1)); shift
    until "$@"; do
        [ $SECONDS -lt $deadline ] || { echo "not within $limit s: $*"; return 1; }
        sleep "${EVERY:-1}"
    done
}'
gfacts() {
    local guest=$1 file=$2
    { printf 'LAN_SERVER=%s LAN_CLIENT=%s DEBUGFS=%s\n' "$LAB_LAN_SERVER" "$LAB_LAN_CLIENT" "$LAB_DEBUGFS"
      echo "$LAB_GUEST_SH"
      cat; } | gssh "$guest" bash -s > "$file" 2>&1
}
fact() { awk -v k="$2" '$0 == "@@@< " k { on = 1; next } on && index($0, "@@@> " k " ") == 1 { exit } on { print }' "$1"; }
fact_rc() { awk -v k="$2" 'index($0, "@@@> " k " ") == 1 { print $3 }' "$1"; }
# fact_check <facts-file> <section>: a check's verdict is the section's exit status; prints its output.
fact_check() { fact "$1" "$2"; [ "$(fact_rc "$1" "$2")" = 0 ]; }

# free_port: a TCP port on 127.0.0.1 nobody listens on now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# cache_key <files or dirs...>: a hash of their names and contents.
cache_key() {
    local p
    for p in "$@"; do
        if [ -d "$p" ]; then
            (cd "$p" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
        elif [ -f "$p" ]; then
            sha256sum "$p"
        fi
    done | sha256sum | cut -c1-16
}
