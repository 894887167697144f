#!/usr/bin/env bash
# Does the display slow the exchange? (issue 9). Builds both programs in Release (Native AOT, as shipped),
# then runs our client against our server on loopback, alternating between a server with no indicators and one whose
# simulated SSD1306 sleeps on every write as long as a 400 kHz I2C bus would take for its bytes
# (a full 128x64 frame: about 23 ms). Pipelined throughput (window 64) and lockstep round trips, each
# the median of several rounds; prints the ratios with the spread between rounds, and writes
# artifacts/bench/indicators.md.
#
#   bash scripts/bench-indicators.sh               # 5 rounds, the programs as shipped (Native AOT, linux-x64)
#   ROUNDS=15 bash scripts/bench-indicators.sh
#   AOT=0 ROUNDS=15 bash scripts/bench-indicators.sh   # the JIT build (dotnet build -c Release) instead
#
# Each lockstep measurement is LOCKSTEP_COUNT round trips (default 30,000: well over half a second even
# compiled ahead of time, so that it spans several display frames and LED flashes; a run shorter than one
# frame period measures whether a frame happened to fall inside it).
# Timings depend on what else the machine does: on a busy machine the spread says how far to trust them.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out=artifacts/bench
# The programs as shipped (Native AOT) by default; AOT=0 measures the JIT build (scripts/build-programs.sh).
flavour=$([ "${AOT:-1}" = 1 ] && echo aot || echo jit)
build="${BUILD_DIR:-artifacts/indicators-bench/$flavour}"
mkdir -p "$out"
bash scripts/build-programs.sh "$build"
ROUNDS="${ROUNDS:-5}" BUILD="$build" OUT="$out" FLAVOUR="$([ "$flavour" = aot ] && echo "Native AOT" || echo "JIT")" python3 - <<'PY'
import os, re, socket, statistics, subprocess, time
build, rounds, out = os.environ["BUILD"], int(os.environ["ROUNDS"]), os.environ["OUT"]

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def start_server(display):
    port = free_port()
    env = dict(os.environ)
    args = [f"{build}/PiSquareServer", "--port", str(port), "--bind", "127.0.0.1", "--log-level", "Warning"]
    if display:
        args += ["--hardware", "simulated", "--display-size", "128x64"]
        env["PISQUARE_Hardware__Display__SimulatedBusHz"] = "400000"
    else:
        args += ["--hardware", "none"]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start listening within 120 s")

def run_client(port, extra):
    r = subprocess.run([f"{build}/PiSquareClient", "--host", "127.0.0.1", "--port", str(port), "-q", "--hardware", "none"] + extra,
                       capture_output=True, text=True, timeout=600)
    # The summary's rate, e.g. "55,002 squares/s"; the elapsed time's format is for people, so derive from the rate.
    m = re.search(r"([0-9][0-9.,]*) squares/s", r.stdout)
    if r.returncode != 0 or not m:
        raise SystemExit(f"client failed ({r.returncode}): {r.stdout} {r.stderr}")
    return float(m.group(1).replace(",", ""))

results = {(kind, display): [] for kind in ("pipelined", "lockstep") for display in (False, True)}
for i in range(rounds):
    for display in ((False, True) if i % 2 == 0 else (True, False)):
        proc, port = start_server(display)
        try:
            run_client(port, ["--count", "2000"])  # warm-up: JIT and connection set-up out of the measurement
            results[("pipelined", display)].append(run_client(port, ["--pipeline", "64", "--count", "200000"]))
            rate = run_client(port, ["--count", os.environ.get("LOCKSTEP_COUNT", "30000")])
            results[("lockstep", display)].append(1e6 / rate)  # microseconds per round trip
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    print(f"round {i + 1}/{rounds} done", flush=True)

def spread(xs):
    # Round trips are tens of microseconds: one decimal, or a 16.8 median shows a "17-20" range.
    digits = 1 if max(xs) < 1000 else 0
    return f"{min(xs):.{digits}f}-{max(xs):.{digits}f}"

p0, p1 = statistics.median(results[("pipelined", False)]), statistics.median(results[("pipelined", True)])
l0, l1 = statistics.median(results[("lockstep", False)]), statistics.median(results[("lockstep", True)])
def verdict(ok):
    return "PASS" if ok else "MISS"

# The load average beside the figures: on a shared machine it says how far to trust them.
load = os.getloadavg()[0]
lines = [
    "| measurement | no indicators | display on a 400 kHz bus | ratio | target | result |",
    "| --- | --- | --- | --- | --- | --- |",
    f"| pipelined (window 64), squares/s, median of {rounds} (range) | {p0:.0f} ({spread(results[('pipelined', False)])}) | {p1:.0f} ({spread(results[('pipelined', True)])}) | {p1 / p0:.3f} | >= 0.95 | {verdict(p1 / p0 >= 0.95)} |",
    f"| lockstep round trip, us, median of {rounds} (range) | {l0:.1f} ({spread(results[('lockstep', False)])}) | {l1:.1f} ({spread(results[('lockstep', True)])}) | {l1 / l0:.3f} | <= 1.05 | {verdict(l1 / l0 <= 1.05)} |",
    f"",
    f"build: {os.environ['FLAVOUR']}; lockstep runs of {os.environ.get('LOCKSTEP_COUNT', '30000')} round trips; load average (1 min) at the end: {load:.1f}",
]
print("\n".join(lines))
with open(os.path.join(out, "indicators.md"), "w") as f:
    f.write("\n".join(lines) + "\n")
PY
