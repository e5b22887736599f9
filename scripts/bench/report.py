#!/usr/bin/env python3
"""Writes the benchmark report (markdown) and chart (gnuplot PNG) from the JSON
results the benchmarks saved, with each of issue 7's and issue 18's targets
marked met or not.

usage: report.py DIR   (reads DIR/{runtime,image,e2e,monitor,build}.json; writes DIR/report.md, DIR/chart.png)"""
import json
import os
import subprocess
import sys


def load(d, name):
    p = os.path.join(d, name + ".json")
    return json.load(open(p)) if os.path.exists(p) else None


def row(rows, name):
    return next((r for r in rows if r["name"] == name), None)


def ratio(rows, a, b):
    ra, rb = row(rows, a), row(rows, b)
    return ra["median_ms"] / rb["median_ms"] if ra and rb else None


def table(title, rows, ref):
    out = [f"### {title}", "", f"| command | median ms | min ms | max ms | peak RSS KiB | ratio to {ref} |",
           "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        out.append(f"| {r['name']} | {r['median_ms']:.1f} | {r['min_ms']:.1f} | {r['max_ms']:.1f} | "
                   f"{r['peak_rss_kib']} | {r['ratio']:.2f}x |" if r["ratio"] else
                   f"| {r['name']} | {r['median_ms']:.1f} | {r['min_ms']:.1f} | {r['max_ms']:.1f} | "
                   f"{r['peak_rss_kib']} | - |")
    return out + [""]


def main():
    d = sys.argv[1]
    rt, img, e2e = load(d, "runtime"), load(d, "image"), load(d, "e2e")
    mon = load(d, "monitor")
    bld = load(d, "build")
    targets, lines, chart = [], ["# Keel benchmarks", ""], []

    def target(what, value, limit, fmt="{:.2f}x", note=""):
        if value is None:
            targets.append((what, "not measured", f"<= {fmt.format(limit)}", "-"))
            return
        targets.append((what, fmt.format(value) + note, f"<= {fmt.format(limit)}",
                        "met" if value <= limit else "NOT met"))

    if rt:
        rows = rt["rows"]
        fixed, floor = rt.get("fixed_suffix", " (fixed cgroupsPath)"), rt.get("floor", "floor (unshare+chroot)")
        k, c, f = row(rows, "keel"), row(rows, "crun"), row(rows, floor)
        target("keel run /bin/true vs crun, a cgroup per container", ratio(rows, "keel", "crun"), 0.4)
        target("keel run /bin/true above the kernel's floor (same run)",
               k["median_ms"] - f["median_ms"] if k and f else None, 2.5, "{:+.1f} ms",
               f" ({k['median_ms']:.1f} vs {f['median_ms']:.1f} ms)" if k and f else "")
        target("keel vs crun, one fixed cgroupsPath each (issue 7)", ratio(rows, "keel" + fixed, "crun" + fixed), 0.5)
        target("keel peak RSS", k["peak_rss_kib"] / 1024 if k else None, 1.5, "{:.2f} MB")
        if k and c:
            targets.append(("keel peak RSS vs crun", f"{k['peak_rss_kib']} KiB vs {c['peak_rss_kib']} KiB",
                            "<= crun's", "met" if k["peak_rss_kib"] <= c["peak_rss_kib"] else "NOT met"))
        small = rt.get("memory_1mib", {})
        targets.append(("1 MiB memory limit runs echo through keel", "runs" if small.get("keel") else "fails",
                        "runs", "met" if small.get("keel") else "NOT met"))
        lines += table(rt["title"], rows, "keel")
        lines += [f"keel, crun, runc: every container has a cgroupsPath of its own, as an engine gives it; "
                  f"\"{fixed.strip()}\": one path shared by all of that runtime's containers; "
                  f"{floor}: the same namespaces made by unshare, no runtime.", ""]
        chart += [("runtime", r["name"], r["median_ms"]) for r in rows]
        iso = rt.get("isolated") or {}
        if iso.get("rows"):
            lines += table(iso["title"], iso["rows"], "keel")
            chart += [("runtime, one at a time", r["name"], r["median_ms"]) for r in iso["rows"]]
    if img:
        g = img["groups"]
        target("keel-image pull vs skopeo copy", ratio(g.get("pull", []), "keel-image pull", "skopeo copy"), 0.7)
        ku, um = row(g.get("unpack", []), "keel-image unpack"), row(g.get("unpack", []), "umoci unpack")
        target(f"keel-image unpack vs umoci unpack (median of {ku['rounds'] if ku else 0} rounds)",
               ratio(g.get("unpack", []), "keel-image unpack", "umoci unpack"), 0.1, note=(
                   f" (keel {ku['min_ms'] / 1000:.2f}-{ku['max_ms'] / 1000:.2f} s, "
                   f"umoci {um['min_ms'] / 1000:.2f}-{um['max_ms'] / 1000:.2f} s)" if ku and um else ""))
        target("keel-image unpack vs sequential tar", ratio(g.get("unpack", []), "keel-image unpack", "tar -xzf (sequential)"), 0.5)
        target("keel-image push vs skopeo copy oci: docker://",
               ratio(g.get("push", []), "keel-image push", "skopeo copy (push)"), 0.7)
        target("keel-image push again vs skopeo's second copy",
               ratio(g.get("push_again", []), "keel-image push (again)", "skopeo copy (push again)"), 0.5)
        lines += [f"Image: {img.get('compressed_bytes', 0) / 1e6:.0f} MB compressed.", ""]
        for name, title in (("pull", "pull"), ("unpack", "unpack into a flat rootfs"), ("runnable", "pull to runnable"),
                            ("push", "push to an empty registry"), ("push_again", "push again (nothing to send)")):
            if not g.get(name):
                continue
            lines += table(title, g[name], g[name][0]["name"])
            chart += [(name, r["name"], r["median_ms"]) for r in g[name]]
    if e2e:
        g = e2e["groups"]
        target("keel-docker run --rm true vs podman (network none)",
               ratio(g["none"], "keel-docker run --rm (none)", "podman run --rm (none)"), 0.2)
        for name in ("none", "bridge"):
            lines += table(f"end to end, network {name}", g[name], g[name][0]["name"])
            chart += [("e2e " + name, r["name"], r["median_ms"]) for r in g[name]]
        if g.get("ps"):
            n = e2e.get("ps_containers", 0)
            kd_ps = row(g["ps"], "keel-docker ps -a")
            target(f"keel-docker ps -a, {n} stopped containers", kd_ps and kd_ps["median_ms"], 100, "{:.0f} ms")
            lines += table(f"ps -a with {n} stopped containers", g["ps"], g["ps"][0]["name"])
            chart += [("ps -a", r["name"], r["median_ms"]) for r in g["ps"]]

    if mon:
        lines += table(mon["title"], mon["rows"], mon["rows"][0]["name"])
        lines += [", ".join(f"{who}: {v:.0f} MB/s" for who, v in mon["mb_per_s"].items()) +
                  " once the start-up (the `true` rows) is taken off.", ""]
        chart += [("monitor", r["name"], r["median_ms"]) for r in mon["rows"]]

    if bld:
        g = bld["groups"]
        for name, limit, title in (("full", 0.5, "full build"), ("cached", 0.1, "fully cached rebuild"),
                                   ("onefile", 0.5, "rebuild after one copied file changed")):
            target(f"keel-image build vs buildah bud: {title}", ratio(g[name], g[name][0]["name"], g[name][1]["name"]), limit)
            lines += table(f"build: {title}", g[name], g[name][1]["name"])
            chart += [("build " + name, r["name"], r["median_ms"]) for r in g[name]]
    head = ["## Targets", "", "| what | measured | target | |", "| --- | --- | --- | --- |"]
    head += [f"| {w} | {m} | {t} | {s} |" for w, m, t, s in targets]
    lines[2:2] = head + ["", "![medians](chart.png)", "", "## Results (medians of interleaved rounds)", ""]
    with open(os.path.join(d, "report.md"), "w") as f:
        f.write("\n".join(lines) + "\n")

    if chart:
        data = os.path.join(d, "chart.dat")
        with open(data, "w") as f:
            for grp, name, ms in chart:
                f.write(f"\"{grp}: {name}\" {ms:.2f}\n")
        script = (f"set terminal png size 1200,{200 + 28 * len(chart)}\nset output '{d}/chart.png'\n"
                  "set style fill solid\nset boxwidth 0.6\nset xlabel 'median ms (log scale)'\n"
                  "set logscale x\nset ytics nomirror\nset grid x\nunset key\n"
                  f"set yrange [-1:{len(chart)}]\n"
                  f"plot '{data}' using 2:0:(0):2:($0-0.3):($0+0.3):yticlabels(1) with boxxyerror\n")
        subprocess.run(["gnuplot"], input=script.encode(), check=True)
    print(open(os.path.join(d, "report.md")).read())


if __name__ == "__main__":
    main()
