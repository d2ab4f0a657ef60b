"""Python `extract` of a corpus directory as a list of strings vs the CLI, same thread count.

    python3 python/bench/extract_speed.py DIR THREADS [RUNS]

Each file of DIR (e.g. `python3 bench/make_corpus.py 100 DIR`) is one string. Times are wall
seconds, best of RUNS (default 3): Python = Extractor(threads=N) + extract(list) + write JSON;
CLI = `silkgraph extract DIR --threads N -o OUT.json` (the whole process: loading included).
"""

import os
import pathlib
import subprocess
import sys
import tempfile
import time

import silkgraph

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main() -> None:
    d, threads = pathlib.Path(sys.argv[1]), int(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    cli = os.environ.get("SILKGRAPH_BIN", str(ROOT / "target" / "release" / "silkgraph"))
    texts = [p.read_text(encoding="utf-8") for p in sorted(d.glob("*.txt"))]
    mb = sum(len(t.encode()) for t in texts) / 1e6
    py, py_extract, cl = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "g.json"
        for _ in range(runs):
            t0 = time.perf_counter()
            ex = silkgraph.Extractor(threads=threads)
            t1 = time.perf_counter()
            g = ex.extract(texts)
            t2 = time.perf_counter()
            g.write(out)
            t3 = time.perf_counter()
            py.append(t3 - t0)
            py_extract.append(t2 - t1)
            del g
            t0 = time.perf_counter()
            subprocess.run(
                [cli, "extract", "-q", str(d), "--threads", str(threads), "-o", str(out)], check=True
            )
            cl.append(time.perf_counter() - t0)
    print(
        f"{mb:.1f} MB, {len(texts)} strings, {threads} threads, best of {runs}: "
        f"python {min(py):.2f} s (extract alone {min(py_extract):.2f} s), CLI {min(cl):.2f} s, "
        f"ratio {min(py) / min(cl):.3f}"
    )


if __name__ == "__main__":
    main()
