"""Check that examples/spark_extract.py gives what `silkgraph extract` gives, byte for byte.

    SILKGRAPH_BIN=target/release/silkgraph python3 examples/check_spark.py [EXTRA_CORPUS_DIR...]

The corpus (seeds/ plus each EXTRA_CORPUS_DIR, read at run time, never copied into the
repository) is written to a temporary JSONL and a Parquet file; the Spark job runs in local[2]
on each (4 partitions, so the snapshots are really merged), and its GraphML and JSON are compared
with the CLI's on the same JSONL (and the Parquet file, when the CLI reads Parquet).
"""

import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main(extra: list[str]) -> int:
    cli = os.environ.get("SILKGRAPH_BIN", str(ROOT / "target" / "release" / "silkgraph"))
    docs = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for d in extra:
        base = pathlib.Path(d)
        docs += [
            (f"{base.name}/{p.relative_to(base)}", p.read_text(encoding="utf-8"))
            for p in sorted(base.rglob("*"))
            if p.is_file()
        ]
    with tempfile.TemporaryDirectory(prefix="silkgraph-spark-") as tmp:
        t = pathlib.Path(tmp)
        jsonl = t / "corpus.jsonl"
        with open(jsonl, "w", encoding="utf-8") as f:
            for i, text in docs:
                f.write(json.dumps({"id": i, "text": text}) + "\n")
        import pyarrow as pa
        import pyarrow.parquet as pq

        parquet = t / "corpus.parquet"
        pq.write_table(
            pa.table({"id": [d[0] for d in docs], "text": [d[1] for d in docs]}), parquet
        )
        for ext in ["json", "graphml"]:
            subprocess.run([cli, "extract", "-q", jsonl, "-o", t / f"cli.{ext}"], check=True)
        failed = False
        for name, src in [("jsonl", jsonl), ("parquet", parquet)]:
            subprocess.run(
                [
                    sys.executable,
                    ROOT / "examples" / "spark_extract.py",
                    src,
                    "--master",
                    "local[2]",
                    "--partitions",
                    "4",
                    "--json",
                    t / f"{name}.json",
                    "--graphml",
                    t / f"{name}.graphml",
                ],
                check=True,
            )
            for ext in ["json", "graphml"]:
                same = (t / f"{name}.{ext}").read_bytes() == (t / f"cli.{ext}").read_bytes()
                print(f"spark on {name} -> {ext}: {'identical' if same else 'DIFFERENT'} to the CLI's")
                failed |= not same
        # The CLI reads the same Parquet file when built with the `parquet` feature.
        r = subprocess.run([cli, "extract", "-q", parquet, "-o", t / "cli-parquet.json"])
        if r.returncode == 0:
            same = (t / "cli-parquet.json").read_bytes() == (t / "cli.json").read_bytes()
            print(f"CLI on parquet -> json: {'identical' if same else 'DIFFERENT'} to JSONL's")
            failed |= not same
        print(f"{len(docs)} documents")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
