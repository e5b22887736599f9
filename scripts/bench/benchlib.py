"""Shared by Keel's benchmarks: timing a command with its peak RSS, interleaved
rounds, statistics, and the table/JSON each benchmark prints. Benchmarks compare
peers in one run and report ratios, since this machine is shared and noisy."""
import json
import os
import random
import statistics
import subprocess
import sys


RSS_FILE = f"/tmp/keel-bench-rss.{os.getpid()}"
# scripts/bench/timeit.c, built by make bench
TIMEIT = os.environ.get("BENCH_TIMEIT", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                     "..", "..", "build", "tools", "timeit"))


def pure_v1_view(script, inner, args):
    """Runs the rest of a benchmark in its own mount namespace without the
    cgroup2 mount, a pure-v1 view of the host so that podman's crun runs: the
    first call re-executes script there with --inner and args; the inner one
    unmounts /sys/fs/cgroup/unified and says whether there was one."""
    if not inner:
        os.execvp("unshare", ["unshare", "-m", "--propagation", "private", sys.executable,
                              os.path.abspath(script), "--inner"] + args)
    return subprocess.run(["umount", "/sys/fs/cgroup/unified"], stderr=subprocess.DEVNULL).returncode == 0


def measure(cmd, env=None, cwd=None, stdin=subprocess.DEVNULL):
    """Runs cmd under timeit (scripts/bench/timeit.c); returns (wall seconds,
    peak RSS in KiB of the command and its waited-for children). timeit takes
    both around its own fork and wait4, so neither Python's start-up of a
    process nor its pipe handling is counted, and a fork from Python, which
    would carry Python's RSS into the peak, is avoided. Raises on a non-zero
    exit, with the command's stderr."""
    proc = subprocess.run([TIMEIT, RSS_FILE] + cmd, env=env, cwd=cwd,
                          stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip()
        raise RuntimeError(f"{' '.join(cmd)}: exit {proc.returncode}: {err}")
    with open(RSS_FILE) as f:
        secs, rss = f.read().split()
    return float(secs), int(rss)


def run_interleaved(cases, rounds, before_round=None):
    """cases: {name: callable(round) -> (seconds, rss_kib)}. Each round runs every
    case once, in a shuffled order, so drift on the machine hits all alike."""
    results = {name: {"times": [], "rss": []} for name in cases}
    for r in range(rounds):
        if before_round:
            before_round(r)
        order = list(cases)
        random.shuffle(order)
        for name in order:
            t, rss = cases[name](r)
            results[name]["times"].append(t)
            results[name]["rss"].append(rss)
    return results


def summarize(results, reference):
    """Median/min/max per case and each median's ratio to the reference's."""
    rows = []
    ref = statistics.median(results[reference]["times"]) if reference in results else None
    for name, r in results.items():
        med = statistics.median(r["times"])
        rows.append({
            "name": name,
            "median_ms": med * 1000,
            "min_ms": min(r["times"]) * 1000,
            "max_ms": max(r["times"]) * 1000,
            "peak_rss_kib": max(r["rss"]) if r["rss"] else 0,
            "ratio": med / ref if ref else None,
            "rounds": len(r["times"]),
        })
    return rows


def print_table(title, rows, reference):
    print(f"\n## {title}\n")
    print(f"| command | median ms | min ms | max ms | peak RSS KiB | ratio to {reference} |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] is not None else "-"
        print(f"| {r['name']} | {r['median_ms']:.1f} | {r['min_ms']:.1f} | {r['max_ms']:.1f} "
              f"| {r['peak_rss_kib']} | {ratio} |")
    sys.stdout.flush()


def save(out_dir, bench, title, rows, reference, extra=None):
    os.makedirs(out_dir, exist_ok=True)
    doc = {"bench": bench, "title": title, "reference": reference, "rows": rows}
    if extra:
        doc.update(extra)
    with open(os.path.join(out_dir, f"{bench}.json"), "w") as f:
        json.dump(doc, f, indent=2)
