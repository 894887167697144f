#!/usr/bin/env python3
"""Measures PiSquareServer and PiSquareClient from outside, as a user runs them (issue 12).

Every figure is taken against a native C peer in the same run, in interleaved rounds (A, B, B, A, ...),
with the 1-minute load average recorded beside each round. Client rows time the client as a process
(wall time) and cancel its start-up by the difference of two counts: per-square time =
(T(N) - T(n)) / (N - n), for our CLI and for the C client alike. Server rows use the C client's own
timing, so the servers are judged by the same clock.

Called by scripts/bench-outside.sh, which builds everything first. Loopback only; every child process
is killed when the run ends.
"""
import argparse, json, os, re, socket, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, limit=120):
    deadline = time.time() + limit
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early ({proc.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("server did not listen in time")


class Server:
    def __init__(self, args, port):
        self.port = port
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_listening(port, self.proc)

    def cpu_seconds(self):
        """user + system time of the process so far (/proc), which load disturbs much less than wall time"""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def c_server(native, poll="block", mode="auto"):
    port = free_port()
    return Server([f"{native}/squares_server", "--bind", "127.0.0.1", "--port", str(port), "--mode", mode, "--poll", poll], port)


def our_server(build, extra=()):
    port = free_port()
    return Server([f"{build}/PiSquareServer", "--bind", "127.0.0.1", "--port", str(port), "--log-level", "Warning",
                   "--hardware", "none", *extra], port)


def run(args, timeout=900):
    t0 = time.perf_counter()
    r = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    t1 = time.perf_counter()
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({r.returncode}): {r.stdout[-500:]} {r.stderr[-500:]}")
    return t1 - t0, r.stdout


def c_client(native, port, mode, count, window=1, dialect="lines", poll="block", extra=()):
    args = [f"{native}/squares_client", "--port", str(port), "--dialect", dialect, "--mode", mode,
            "--count", str(count), "--warmup", "0", "--json", "--poll", poll, *extra]
    if mode == "pipeline":
        args += ["--window", str(window)]
    wall, out = run(args)
    return wall, json.loads(out.strip().splitlines()[-1])


def our_client(build, port, count, window=1, dialect="framed", quiet=True, extra=()):
    args = [f"{build}/PiSquareClient", "--host", "127.0.0.1", "--port", str(port), "--count", str(count),
            "--dialect", dialect, "--retries", "0", *extra]
    if window > 1:
        args += ["--pipeline", str(window)]
    if quiet:
        args += ["-q"]
    wall, out = run(args)
    if "Summary: OK" not in out:
        raise SystemExit(f"client did not verify: {out[-300:]}")
    return wall


def load():
    return os.getloadavg()[0]


def per_square_ns(short, long_, n_short, n_long):
    return (long_ - short) / (n_long - n_short) * 1e9


def band(xs):
    return f"{min(xs):.2f}–{max(xs):.2f}"


class Table:
    def __init__(self):
        self.rows = []

    def add(self, name, ours, native, target, higher_is_better, unit, loads):
        # ratios per round (same round = same conditions), median of them as the figure
        ratios = [o / n if higher_is_better else o / n for o, n in zip(ours, native)]
        med = statistics.median(ratios)
        ok = med >= target if higher_is_better else med <= target
        self.rows.append(dict(name=name, ours=statistics.median(ours), native=statistics.median(native), unit=unit,
                              ratio=med, band=band(ratios), target=("≥ " if higher_is_better else "≤ ") + f"{target}×",
                              result="PASS" if ok else "MISS", loads=f"{min(loads):.1f}–{max(loads):.1f}", rounds=len(ratios)))
        r = self.rows[-1]
        print(f"  {name}: ours {r['ours']:.4g} {unit}, native {r['native']:.4g} {unit}, ratio {med:.2f}× ({r['band']}), "
              f"{r['target']} {r['result']}, load {r['loads']}", flush=True)

    def markdown(self):
        lines = ["| measure (ours ÷ native C, same run) | ours (median) | native (median) | ratio (median) | band (min–max) | rounds | load | target | result |",
                 "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
        for r in self.rows:
            lines.append(f"| {r['name']} | {r['ours']:,.4g} {r['unit']} | {r['native']:,.4g} {r['unit']} | {r['ratio']:.2f}× | {r['band']} | "
                         f"{r['rounds']} | {r['loads']} | {r['target']} | **{r['result']}** |")
        return "\n".join(lines)


def client_pipelined(a, t, window, quiet):
    """Our CLI vs the C pipelining client, same C server; squares/s from two counts of process wall time."""
    n_short, n_long = 1000, a.pipeline_count
    ours, native, loads = [], [], []
    srv = c_server(a.native, mode="lines")
    try:
        for i in range(a.rounds):
            loads.append(load())
            pair = []
            for who in (("ours", "c") if i % 2 == 0 else ("c", "ours")):
                if who == "ours":
                    s = our_client(a.client_build, srv.port, n_short, window, quiet=quiet)
                    l = our_client(a.client_build, srv.port, n_long, window, quiet=quiet)
                    ours.append(1e9 / per_square_ns(s, l, n_short, n_long))
                else:
                    s, _ = c_client(a.native, srv.port, "pipeline", n_short, window)
                    l, _ = c_client(a.native, srv.port, "pipeline", n_long, window)
                    native.append(1e9 / per_square_ns(s, l, n_short, n_long))
    finally:
        srv.stop()
    t.add(f"pipelined framed, **client** `--pipeline {window}{' -q' if quiet else ''}` (process, 2 counts) vs C client, C server",
          ours, native, 1.0, True, "squares/s", loads)


def server_pipelined(a, t, window, extra=(), label=None, baseline_build=None, target=1.0):
    """The C pipelining client against the C server (or baseline_build's server) and against ours; the C client's own rate."""
    ours, native, loads, cpu = [], [], [], {"ours": [], "c": []}
    for i in range(a.rounds):
        loads.append(load())
        for who in (("ours", "c") if i % 2 == 0 else ("c", "ours")):
            if who == "ours":
                srv = our_server(a.build, extra)
            else:
                srv = our_server(baseline_build) if baseline_build else c_server(a.native, mode="lines")
            try:
                c_client(a.native, srv.port, "pipeline", 20000, window)  # warm-up (JIT)
                before = srv.cpu_seconds()
                _, res = c_client(a.native, srv.port, "pipeline", a.pipeline_count, window)
                cpu[who].append((srv.cpu_seconds() - before) / a.pipeline_count * 1e9)
                (ours if who == "ours" else native).append(res["rate"])
            finally:
                srv.stop()
    ratios = [o / n for o, n in zip(cpu["ours"], cpu["c"]) if n > 0]
    if ratios:
        print(f"  server CPU per square at window {window}: ours {statistics.median(cpu['ours']):.0f} ns, other "
              f"{statistics.median(cpu['c']):.0f} ns, ratio {statistics.median(ratios):.2f}× ({band(ratios)})", flush=True)
    t.add(label or f"pipelined framed, **server**, C client at window {window}", ours, native, target, True, "squares/s", loads)


def server_lockstep(a, t, poll, baseline_build=None):
    """C lockstep client with total-only timing (no per-round-trip bookkeeping) against the C server (or
    baseline_build's server) and ours."""
    ours, native, loads, cpu = [], [], [], {"ours": [], "c": []}
    n = a.lockstep_count
    for i in range(a.rounds):
        loads.append(load())
        for who in (("ours", "c") if i % 2 == 0 else ("c", "ours")):
            if who == "ours":
                srv = our_server(a.build)
            else:
                srv = our_server(baseline_build) if baseline_build else c_server(a.native, poll=poll, mode="textbook")
            try:
                c_client(a.native, srv.port, "lockstep", 5000, dialect="textbook", poll=poll, extra=["--total-only"])
                before = srv.cpu_seconds()
                _, res = c_client(a.native, srv.port, "lockstep", n, dialect="textbook", poll=poll, extra=["--total-only"])
                cpu[who].append((srv.cpu_seconds() - before) / n * 1e6)
                (ours if who == "ours" else native).append(1e6 / res["rate"])
            finally:
                srv.stop()
    ratios = [o / c for o, c in zip(cpu["ours"], cpu["c"]) if c > 0]
    if ratios:
        print(f"  server CPU per round trip ({poll} client): ours {statistics.median(cpu['ours']):.1f} µs, other "
              f"{statistics.median(cpu['c']):.1f} µs, ratio {statistics.median(ratios):.2f}× ({band(ratios)})", flush=True)
    what = "a plain blocking C server" if poll == "block" else "a busy-polling C pair (the floor)"
    if baseline_build:
        t.add(f"lockstep textbook, server of --build ÷ server of --compare-build, C {poll} client (total time only)", ours, native, 1.0, False, "µs", loads)
        return
    t.add(f"lockstep textbook, **server** vs {what} (C client, total time only)", ours, native, 1.0 if poll == "block" else 1.5, False, "µs", loads)


def client_lockstep(a, t, poll):
    """Our CLI (process) vs the C client (process), both against the C server; two counts cancel start-up."""
    n_short, n_long = 1000, a.lockstep_count
    ours, native, loads = [], [], []
    srv = c_server(a.native, poll=poll, mode="textbook")
    try:
        for i in range(a.rounds):
            loads.append(load())
            for who in (("ours", "c") if i % 2 == 0 else ("c", "ours")):
                if who == "ours":
                    s = our_client(a.client_build, srv.port, n_short, dialect="textbook")
                    l = our_client(a.client_build, srv.port, n_long, dialect="textbook")
                    ours.append(per_square_ns(s, l, n_short, n_long) / 1000)
                else:
                    s, _ = c_client(a.native, srv.port, "lockstep", n_short, dialect="textbook", poll=poll, extra=["--total-only"])
                    l, _ = c_client(a.native, srv.port, "lockstep", n_long, dialect="textbook", poll=poll, extra=["--total-only"])
                    native.append(per_square_ns(s, l, n_short, n_long) / 1000)
    finally:
        srv.stop()
    what = "a blocking C client" if poll == "block" else "the floor (a busy-polling C pair; ours against the busy-polling C server)"
    t.add(f"lockstep textbook, **client CLI** (process, 2 counts) vs {what}", ours, native, 1.0 if poll == "block" else 1.5, False, "µs", loads)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    p.add_argument("--native", required=True)
    p.add_argument("--client-build", help="folder of the PiSquareClient to measure (default: --build)")
    p.add_argument("--compare-build", help="seam: folder of another PiSquareServer build to compare --build's server with")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--pipeline-count", type=int, default=2_000_000)
    p.add_argument("--lockstep-count", type=int, default=50_000)
    p.add_argument("--only", nargs="*", default=["client", "server", "lockstep"],
                   help="groups: client server lockstep observer seam seam-lockstep")
    p.add_argument("--markdown")
    a = p.parse_args()
    a.client_build = a.client_build or a.build
    t = Table()
    print(f"load at start: {os.getloadavg()}", flush=True)
    if "client" in a.only:
        for w in (64, 4096):
            client_pipelined(a, t, w, quiet=True)
        client_pipelined(a, t, 64, quiet=False)
    if "server" in a.only:
        for w in (64, 4096):
            server_pipelined(a, t, w)
    if "observer" in a.only:
        for w in (64, 4096):
            server_pipelined(a, t, w, extra=["--diagnostics-slow-observer", "20"], baseline_build=a.build, target=0.95,
                             label=f"pipelined.slowobserver.w{w}: our server with a 20 ms/call observer behind the queue ÷ without, C client")
    if "seam" in a.only:
        if not a.compare_build:
            raise SystemExit("--only seam needs --compare-build <folder of the server to compare with>")
        for w in (64, 4096):
            server_pipelined(a, t, w, baseline_build=a.compare_build, target=1.0,
                             label=f"pipelined framed, server of --build ÷ server of --compare-build, C client at window {w}")
    if "seam-lockstep" in a.only:
        if not a.compare_build:
            raise SystemExit("--only seam-lockstep needs --compare-build <folder of the server to compare with>")
        for poll in ("block", "busy"):
            server_lockstep(a, t, poll, baseline_build=a.compare_build)
    if "lockstep" in a.only:
        server_lockstep(a, t, "block")
        server_lockstep(a, t, "busy")
        client_lockstep(a, t, "block")
        client_lockstep(a, t, "busy")
    md = t.markdown()
    print(md)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(md + "\n")


if __name__ == "__main__":
    main()
