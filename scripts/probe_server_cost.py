#!/usr/bin/env python3
"""What the server's extras (indicators, a slow observer) cost, by counts that a busy machine does not skew much.

Throughput ratios on a shared 2-core machine drift with whatever else runs; the CPU time the server process
spends per square, its context switches and its futex calls do much less. This starts PiSquareServer from
--build with --arm's options, drives it with a native C client (or leaves it idle), and reads, around the
measured part only: user+system CPU ticks of every server thread (/proc/<pid>/task/*/stat), voluntary and
involuntary context switches (/proc/<pid>/task/*/status), and with --perf the futex calls and scheduler
wake-ups of the process (perf stat with tracepoints; root). Arms alternate (A, B, B, A, ...).

  python3 scripts/probe_server_cost.py --build artifacts/outside/build --native artifacts/native \
      --arm "none::--hardware none" --arm "display@PISQUARE_Hardware__Display__SimulatedBusHz=400000::--hardware simulated --display-size 128x64" \
      --workload lockstep --rounds 5 --perf
  python3 scripts/probe_server_cost.py ... --workload idle --seconds 10      # wake-ups of an idle server

Loopback only; every server started is stopped when its round ends.
"""
import argparse, collections, json, os, re, shlex, socket, statistics, subprocess, time

TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def threads(pid):
    """tid -> (name, cpu ticks, voluntary, involuntary) for every live thread of pid."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                status = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        ticks = int(fields[11]) + int(fields[12])
        vol = int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", status, re.M).group(1))
        inv = int(re.search(r"^nonvoluntary_ctxt_switches:\s+(\d+)", status, re.M).group(1))
        out[tid] = (name, ticks, vol, inv)
    return out


def delta(before, after):
    """Per thread name: (ticks, voluntary, involuntary) spent between the two samples (threads born in between count whole)."""
    per = collections.defaultdict(lambda: [0, 0, 0])
    for tid, (name, t, v, i) in after.items():
        b = before.get(tid, (name, 0, 0, 0))
        per[name][0] += t - b[1]
        per[name][1] += v - b[2]
        per[name][2] += i - b[3]
    return per


def start(build, extra, env_extra):
    port = free_port()
    env = dict(os.environ, **env_extra)
    args = [f"{build}/PiSquareServer", "--bind", "127.0.0.1", "--port", str(port), "--log-level", "Warning", *extra]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early ({proc.returncode}): {args}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("server did not listen in time")


def c_client(native, port, workload, count):
    if workload == "lockstep":
        mode = ["--dialect", "textbook", "--mode", "lockstep", "--total-only"]
    else:
        mode = ["--dialect", "lines", "--mode", "pipeline", "--window", workload.removeprefix("pipeline")]
    r = subprocess.run([f"{native}/squares_client", "--port", str(port), "--count", str(count), "--warmup", "0",
                        "--json", "--poll", "block", *mode], capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        raise SystemExit(f"client failed: {r.stdout[-300:]} {r.stderr[-300:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])["rate"]


def perf_start(pid):
    # -p pid covers every thread of the process, including those started later
    return subprocess.Popen(["perf", "stat", "-x", ",", "-e", "syscalls:sys_enter_futex,sched:sched_wakeup,context-switches",
                             "-p", str(pid)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def perf_stop(p):
    p.send_signal(2)
    _, err = p.communicate(timeout=30)
    counts = {}
    for line in err.splitlines():
        parts = line.split(",")
        if len(parts) > 2 and parts[0].strip().isdigit():
            counts[parts[2]] = int(parts[0])
    return counts


def one_round(a, name, extra, env_extra):
    proc, port = start(a.build, extra, env_extra)
    try:
        if a.workload != "idle":
            c_client(a.native, port, a.workload, a.warmup)  # JIT and tier-up out of the measurement
        time.sleep(a.settle)  # and the start-up's tail
        before = threads(proc.pid)
        pf = perf_start(proc.pid) if a.perf else None
        t0 = time.perf_counter()
        rate = None
        if a.workload == "idle":
            time.sleep(a.seconds)
        else:
            rate = c_client(a.native, port, a.workload, a.count)
        wall = time.perf_counter() - t0
        after = threads(proc.pid)
        pc = perf_stop(pf) if pf else {}
        return dict(arm=name, wall=wall, rate=rate, per=delta(before, after), perf=pc, load=os.getloadavg()[0])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    p.add_argument("--native", required=True)
    p.add_argument("--arm", action="append", required=True, help="name::server options, or name@ENV=V,...::options")
    p.add_argument("--workload", default="lockstep", help="lockstep | pipeline<window> | idle")
    p.add_argument("--count", type=int, default=20000)
    p.add_argument("--warmup", type=int, default=20000)
    p.add_argument("--settle", type=float, default=1.0)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--perf", action="store_true")
    p.add_argument("--threads", action="store_true", help="print the per-thread breakdown of each round")
    a = p.parse_args()
    arms = []
    for spec in a.arm:
        name, _, opts = spec.partition("::")
        name, _, envs = name.partition("@")
        env = dict(kv.split("=", 1) for kv in envs.split(",") if kv)
        arms.append((name, shlex.split(opts), env))
    results = collections.defaultdict(list)
    for i in range(a.rounds):
        for name, extra, env in (arms if i % 2 == 0 else list(reversed(arms))):
            r = one_round(a, name, extra, env)
            results[name].append(r)
            ticks = sum(v[0] for v in r["per"].values())
            vol = sum(v[1] for v in r["per"].values())
            inv = sum(v[2] for v in r["per"].values())
            unit = a.seconds if a.workload == "idle" else a.count / 1e6
            per = "per s" if a.workload == "idle" else "per 1M squares"
            pf = " ".join(f"{k.split(':')[-1]}={v / unit:,.0f}" for k, v in r["perf"].items())
            rate = f" rate={r['rate']:,.0f}/s" if r["rate"] else ""
            print(f"round {i + 1} {name}: cpu={ticks / unit:,.1f} ticks, vol={vol / unit:,.0f}, invol={inv / unit:,.0f} {per}; "
                  f"{pf}{rate} load={r['load']:.1f}", flush=True)
            if a.threads:
                for tname, (t, v, iv) in sorted(r["per"].items(), key=lambda kv: -kv[1][0] - kv[1][1]):
                    if t or v or iv:
                        print(f"    {tname:24s} ticks={t:6d} vol={v:8d} invol={iv:7d}")
    print("medians:")
    for name, rs in results.items():
        unit = a.seconds if a.workload == "idle" else a.count / 1e6
        med = lambda f: statistics.median(f(r) for r in rs)
        line = (f"  {name}: cpu {med(lambda r: sum(v[0] for v in r['per'].values())) / unit:,.1f} ticks, "
                f"vol {med(lambda r: sum(v[1] for v in r['per'].values())) / unit:,.0f}, "
                f"invol {med(lambda r: sum(v[2] for v in r['per'].values())) / unit:,.0f}")
        for k in rs[0]["perf"]:
            line += f", {k.split(':')[-1]} {med(lambda r: r['perf'].get(k, 0)) / unit:,.0f}"
        if rs[0]["rate"]:
            line += f", rate {med(lambda r: r['rate']):,.0f}/s"
        print(line + (" (per s)" if a.workload == "idle" else " (per 1M squares)"))


if __name__ == "__main__":
    main()
