#!/usr/bin/env python3
"""summarize.py RESULTS.tsv [--ref TOOL]: markdown tables from compare.sh's raw results.

RESULTS.tsv columns: size, tool, run, bytes, wall_s, maxrss_kb, exit, extra (JSON or -).
Per (size, tool): median whole-process MB/s (bytes / wall), its min-max, median
in-process MB/s when the tool reports one (peers: matching only; acscan: scan only),
median peak RSS, and the ratio ref-MB/s / tool-MB/s (ref = silkgraph 1 thread, same size).
"""
import json
import statistics as st
import sys
from collections import OrderedDict


def main():
    path = sys.argv[1]
    ref = "silkgraph-t1"
    if "--ref" in sys.argv:
        ref = sys.argv[sys.argv.index("--ref") + 1]
    groups = OrderedDict()
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        size, tool, run, nbytes, wall, rss, code, extra = line.rstrip("\n").split("\t", 7)
        g = groups.setdefault((size, tool), {"bytes": int(nbytes), "mbps": [], "rss": [], "inner": [],
                                             "fail": 0, "extra": None})
        if code != "0":
            g["fail"] += 1
            continue
        w = max(float(wall), 1e-3)
        g["mbps"].append(int(nbytes) / 1e6 / w)
        g["rss"].append(int(rss) / 1024)
        if extra not in ("-", ""):
            e = json.loads(extra)
            g["extra"] = e
            for k in ("match_MBps", "scan_MBps"):
                if k in e:
                    g["inner"].append(e[k])

    sizes = OrderedDict((s, None) for s, _ in groups)
    for size in sizes:
        refg = groups.get((size, ref))
        refv = st.median(refg["mbps"]) if refg and refg["mbps"] else None
        print(f"\n### corpus {size}\n")
        print(f"| tool | input MB | MB/s whole process (median) | min-max | MB/s in-process (median) "
              f"| peak RSS MB (median) | {ref} / tool | runs | notes |")
        print("|---|---|---|---|---|---|---|---|---|")
        for (s, tool), g in groups.items():
            if s != size:
                continue
            if not g["mbps"]:
                print(f"| {tool} | {g['bytes']/1e6:.1f} | FAILED ({g['fail']} runs) | | | | | | |")
                continue
            m = st.median(g["mbps"])
            inner = f"{st.median(g['inner']):.1f}" if g["inner"] else "-"
            ratio = f"{refv / m:.2f}x" if refv else "-"
            e = g["extra"] or {}
            notes = []
            if "mentions" in e:
                notes.append(f"mentions={e['mentions']} pairs={e['distinct_pairs']}")
            if "matches" in e:
                notes.append(f"raw matches={e['matches']} heap={e.get('heap_bytes', 0)/2**20:.1f}MiB")
            if "nodes" in e:
                notes.append(f"graph: {e['nodes']} nodes, {e['edges']} edges, {e['out_mb']} MB out")
            if g["fail"]:
                notes.append(f"{g['fail']} failed runs")
            print(f"| {tool} | {g['bytes']/1e6:.1f} | {m:.1f} | {min(g['mbps']):.1f}-{max(g['mbps']):.1f} "
                  f"| {inner} | {st.median(g['rss']):.0f} | {ratio} | {len(g['mbps'])} | {'; '.join(notes)} |")

    # scaling row: silkgraph MB/s per size
    tools = [t for t in OrderedDict((t, None) for _, t in groups) if t.startswith("silkgraph")]
    if len(sizes) > 1:
        print("\n### scaling (median MB/s whole process; peak RSS MB)\n")
        print("| tool | " + " | ".join(sizes) + " |")
        print("|---|" + "---|" * len(sizes))
        for t in tools + [t for t in ("acscan",) if any(k[1] == t for k in groups)]:
            cells = []
            for s in sizes:
                g = groups.get((s, t))
                if g and g["mbps"]:
                    cells.append(f"{st.median(g['mbps']):.1f} MB/s, {st.median(g['rss']):.0f} MB")
                else:
                    cells.append("-")
            print(f"| {t} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
