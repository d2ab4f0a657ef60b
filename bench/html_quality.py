#!/usr/bin/env python3
"""Main-text quality of silkgraph's HTML reader and of trafilatura, against expected text.

For every NAME.html under the pages directory (default tests/web/pages, recursive) with a
NAME.txt beside it (the expected headline and body), both tools' text is compared with it by
token-level F1 (lower-cased word tokens, counted as multisets: precision = shared tokens /
tokens the tool gave, recall = shared tokens / expected tokens).

silkgraph's text is what reaches its sentence splitter: the sentences `silkgraph tag PAGE`
prints (headline included, boilerplate lines dropped). trafilatura's is `trafilatura.extract`
(comments off, its defaults otherwise) with the title of its own metadata put first, since
silkgraph's text starts with the headline too.

  pip install trafilatura
  python3 bench/html_quality.py [--bin target/release/silkgraph] [--pages DIR] [-v]
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text):
    return collections.Counter(TOKEN.findall(text.lower()))


def f1(got, want):
    g, w = tokens(got), tokens(want)
    shared = sum((g & w).values())
    p = shared / max(1, sum(g.values()))
    r = shared / max(1, sum(w.values()))
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def silkgraph_text(binary, path):
    out = subprocess.run([binary, "tag", path], capture_output=True, text=True)
    lines = [json.loads(l)["text"] for l in out.stdout.splitlines() if l.strip()]
    return "\n".join(lines)


def trafilatura_text(path):
    import trafilatura
    with open(path, "rb") as f:
        raw = f.read()
    body = trafilatura.extract(raw, include_comments=False) or ""
    meta = trafilatura.extract_metadata(raw)
    title = meta.title if meta is not None and meta.title else ""
    return (title + "\n" + body).strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/silkgraph")
    ap.add_argument("--pages", default="tests/web/pages")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    rows = []
    for root, _, files in sorted(os.walk(a.pages)):
        for name in sorted(files):
            if not name.endswith(".html"):
                continue
            html = os.path.join(root, name)
            txt = html[:-5] + ".txt"
            if not os.path.exists(txt):
                continue
            want = open(txt, encoding="utf-8").read()
            s = f1(silkgraph_text(a.bin, html), want)
            t = f1(trafilatura_text(html), want)
            group = os.path.relpath(root, a.pages)
            rows.append((group, name, s, t))
            if a.v:
                print(f"{group}/{name:28} silkgraph F1 {s[0]:.3f} (P {s[1]:.3f} R {s[2]:.3f})"
                      f"   trafilatura F1 {t[0]:.3f} (P {t[1]:.3f} R {t[2]:.3f})")
    if not rows:
        sys.exit(f"no NAME.html with NAME.txt under {a.pages}")
    print("| pages | n | silkgraph F1 (P / R) | trafilatura F1 (P / R) |")
    print("|---|---|---|---|")
    groups = sorted({r[0] for r in rows}) + ["all"]
    for g in groups:
        sel = [r for r in rows if g == "all" or r[0] == g]
        mean = lambda k, i: sum(r[k][i] for r in sel) / len(sel)
        label = "written for silkgraph" if g == "." else ("all" if g == "all" else g)
        print(f"| {label} | {len(sel)} | {mean(2, 0):.3f} ({mean(2, 1):.3f} / {mean(2, 2):.3f}) "
              f"| {mean(3, 0):.3f} ({mean(3, 1):.3f} / {mean(3, 2):.3f}) |")


if __name__ == "__main__":
    main()
