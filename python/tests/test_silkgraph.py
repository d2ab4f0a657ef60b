"""The Python package against the CLI: same graphs, same messages.

The CLI binary is $SILKGRAPH_BIN, else target/release/silkgraph of this repository (.ci/run
builds it before the Python tests).
"""

import json
import os
import pathlib
import random
import subprocess
import sys
import warnings

import pytest

import silkgraph

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
NEWS = ROOT.parent / "shared" / "eval" / "news" / "corpus"


def cli_bin() -> str:
    b = os.environ.get("SILKGRAPH_BIN") or str(ROOT / "target" / "release" / "silkgraph")
    assert os.path.exists(b), f"build the CLI first (cargo build --release): {b}"
    return b


def cli(*args, cwd=ROOT):
    return subprocess.run([cli_bin(), *map(str, args)], cwd=cwd, capture_output=True, text=True)


def cli_json(tmp_path, *inputs, extra=()):
    out = tmp_path / "cli.json"
    r = cli("extract", *inputs, "-q", "-o", out, *extra)
    assert r.returncode == 0, r.stderr
    return out.read_text()


def cli_error(*args):
    r = cli(*args)
    assert r.returncode == 2, r.stderr
    prefix = "silkgraph: error: "
    assert r.stderr.startswith(prefix), r.stderr
    return r.stderr[len(prefix):].rstrip("\n")


def seed_docs():
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]


def write_jsonl(path, docs):
    with open(path, "w", encoding="utf-8") as f:
        for i, t in docs:
            f.write(json.dumps({"id": i, "text": t}) + "\n")


@pytest.fixture(scope="module")
def ex():
    return silkgraph.Extractor()


@pytest.fixture(scope="module")
def seeds_graph(ex):
    return ex.extract([SEEDS])


def test_seeds_from_paths_equal_the_cli(tmp_path, seeds_graph):
    # Ids are paths relative to the argument, as `silkgraph extract seeds` gives them.
    assert seeds_graph.to_json() == cli_json(tmp_path, "seeds")
    # A single path need not be in a list; any spelling of the directory gives the same ids.
    assert silkgraph.Extractor().extract(SEEDS).to_json() == seeds_graph.to_json()
    assert silkgraph.Extractor().extract([pathlib.Path(os.path.relpath(SEEDS))]).to_json() == (
        seeds_graph.to_json()
    )


def test_pairs_and_strings_equal_the_cli_on_jsonl(tmp_path, ex):
    docs = seed_docs()
    jsonl = tmp_path / "seeds.jsonl"
    write_jsonl(jsonl, docs)
    expected = cli_json(tmp_path, jsonl)
    assert ex.extract(docs).to_json() == expected
    # A generator works as well as a list; with threads=1 the graph is the same.
    assert silkgraph.Extractor(threads=1).extract(d for d in docs).to_json() == expected
    # Plain strings are numbered from 0 by position.
    write_jsonl(jsonl, [(str(i), t) for i, (_, t) in enumerate(docs)])
    assert ex.extract([t for _, t in docs]).to_json() == cli_json(tmp_path, jsonl)


def test_options_reach_the_pipeline(tmp_path):
    typed = silkgraph.Extractor(relations="typed", min_weight=2, max_evidence=3)
    expected = cli_json(
        tmp_path, "seeds", extra=("--relations", "typed", "--min-weight", "2", "--max-evidence", "3")
    )
    assert typed.extract([SEEDS]).to_json() == expected


def corpus_docs():
    docs = seed_docs()
    if NEWS.is_dir():
        docs += [("news/" + p.name, p.read_text(encoding="utf-8")) for p in sorted(NEWS.iterdir())]
    return docs


def test_merge_of_a_random_split_equals_the_whole():
    docs = corpus_docs()
    whole = silkgraph.Extractor().extract(docs).to_json()
    ex = silkgraph.Extractor(mergeable=True)
    rng = random.Random(13)
    for _ in range(3):
        k = rng.randint(1, 8)
        shuffled = docs[:]
        rng.shuffle(shuffled)
        cuts = sorted(rng.sample(range(1, len(docs)), k - 1))
        parts = [shuffled[a:b] for a, b in zip([0] + cuts, cuts + [len(docs)])]
        graphs = [ex.extract(p) for p in parts]
        assert all(g.mergeable for g in graphs)
        # A random reduce tree: merge two random neighbours, pairwise or through merge().
        while len(graphs) > 1:
            i = rng.randrange(len(graphs) - 1)
            a, b = graphs[i], graphs[i + 1]
            graphs[i : i + 2] = [a.merge(b) if rng.random() < 0.5 else silkgraph.merge([b, a])]
        assert graphs[0].finish().to_json() == whole, k
    # Round trip of a mergeable snapshot through JSON keeps what merge needs.
    a, b = ex.extract(docs[:3]), ex.extract(docs[3:])
    again = silkgraph.Graph.from_json(a.to_json()).merge(silkgraph.Graph.from_json(b.to_json()))
    assert again.finish().to_json() == whole


def test_merge_refuses_what_it_cannot_merge(tmp_path):
    plain = silkgraph.Extractor().extract(["Pakistan and China."])
    m = silkgraph.Extractor(mergeable=True).extract(["Pakistan and China."])
    with pytest.raises(silkgraph.DataError, match="no merge keys"):
        m.merge(plain)
    typed = silkgraph.Extractor(relations="typed", mergeable=True).extract(["Iran and Iraq."])
    with pytest.raises(silkgraph.DataError, match="fingerprint"):
        silkgraph.merge([m, typed])
    with pytest.raises(silkgraph.DataError, match="nothing to merge"):
        silkgraph.merge([])


def test_json_and_networkx_round_trip(seeds_graph):
    nx = pytest.importorskip("networkx")
    text = seeds_graph.to_json()
    assert silkgraph.Graph.from_json(text).to_json() == text
    g = seeds_graph.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == seeds_graph.node_count
    assert g.number_of_edges() == seeds_graph.edge_count
    # Keyed by relation, with every attribute (evidence included).
    data = json.loads(text)
    e = data["edges"][0]
    attrs = g.edges[e["source"], e["target"], e["relation"]]
    assert attrs["weight"] == e["weight"] and attrs["evidence"] == e["evidence"]
    n = data["nodes"][0]
    assert g.nodes[n["id"]]["label"] == n["label"]
    assert g.graph["documents"] == data["graph"]["documents"] == 5
    # Back from networkx: the same snapshot.
    back = nx.node_link_data(g, edges="edges")
    assert silkgraph.Graph.from_json(json.dumps(back)).to_json() == text


def test_frames(seeds_graph):
    pytest.importorskip("pandas")
    edges = seeds_graph.edges_frame()
    nodes = seeds_graph.nodes_frame()
    assert len(edges) == seeds_graph.edge_count and len(nodes) == seeds_graph.node_count
    assert {"source", "target", "relation", "weight", "evidence"} <= set(edges.columns)
    assert {"id", "label", "type", "mentions"} <= set(nodes.columns)


def test_queries_equal_the_cli(tmp_path, seeds_graph):
    snap = tmp_path / "seeds.json"
    seeds_graph.write(snap)
    r = cli("neighbors", snap, "pakistan", "--format", "json", "--depth", "2")
    assert r.returncode == 0, r.stderr
    assert seeds_graph.neighbors("pakistan", depth=2) == json.loads(r.stdout)["neighbors"]
    r = cli("stats", snap, "--format", "json", "--top", "5")
    assert r.returncode == 0, r.stderr
    assert seeds_graph.stats(top=5) == json.loads(r.stdout)
    typed = silkgraph.Extractor(relations="typed").extract([SEEDS])
    d = seeds_graph.diff(typed)
    assert d["edges"]["removed"] > 0 and d["edges"]["added"] == 0
    assert seeds_graph.diff(silkgraph.Graph.load(snap))["edges"]["changed"] == 0


def test_write_formats_equal_the_cli(tmp_path, seeds_graph):
    for ext in ["graphml", "gexf", "dot"]:
        out = tmp_path / f"py.{ext}"
        seeds_graph.write(out)
        r = cli("extract", "seeds", "-q", "-o", tmp_path / f"cli.{ext}")
        assert r.returncode == 0, r.stderr
        assert out.read_bytes() == (tmp_path / f"cli.{ext}").read_bytes(), ext
    seeds_graph.write(tmp_path / "x.out", format="json")
    assert (tmp_path / "x.out").read_text() == seeds_graph.to_json()
    with pytest.raises(silkgraph.DataError, match="cannot tell the output format"):
        seeds_graph.write(tmp_path / "x.out")


def test_bad_input_raises_with_the_cli_messages(tmp_path, ex):
    with pytest.raises(TypeError, match="item 1: expected a str"):
        ex.extract(["Iran and Iraq.", 3])
    with pytest.raises(TypeError, match="must be a str"):
        ex.extract([("a", b"bytes")])
    with pytest.raises(TypeError):
        ex.extract(42)
    with pytest.raises(TypeError, match="not a single str"):
        ex.extract("Iran and Iraq.")
    missing = pathlib.Path("no-such-dir")
    with pytest.raises(silkgraph.InputError) as e:
        ex.extract([missing])
    assert isinstance(e.value, OSError)
    assert str(e.value) == cli_error("extract", missing)
    with pytest.raises(silkgraph.DataError) as e:
        ex.extract(["   ", ""])
    assert str(e.value).startswith("the corpus has no document to read")
    # A gazetteer directory that does not exist, and one with a broken file.
    with pytest.raises(silkgraph.InputError) as e:
        silkgraph.Extractor(gazetteer=pathlib.Path("no-such-gazetteer"))
    assert str(e.value) == cli_error("extract", "--gazetteer", "no-such-gazetteer", "seeds")
    bad = tmp_path / "gaz"
    bad.mkdir()
    (bad / "x.toml").write_text("[[entity]]\nid = \n")
    with pytest.raises(silkgraph.DataError) as e:
        silkgraph.Extractor(gazetteer=str(bad))
    assert str(e.value) == cli_error("extract", "--gazetteer", bad, "seeds")
    with pytest.raises(ValueError, match="invalid relations"):
        silkgraph.Extractor(relations="some")
    with pytest.raises(ValueError, match="threads must be 1 to 256"):
        silkgraph.Extractor(threads=0)
    with pytest.raises(silkgraph.DataError, match="not a silkgraph JSON snapshot"):
        silkgraph.Graph.from_json("{}")


def test_warnings_are_python_warnings(ex):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        g = ex.extract([("a", "Pakistan and China signed a pact."), ("b", " ")])
    assert g.node_count == 2
    assert [str(x.message) for x in w] == ["<texts>:2: empty text, skipped"]
    assert all(issubclass(x.category, silkgraph.ExtractWarning) for x in w)


def test_stubs_type_check(tmp_path):
    pytest.importorskip("mypy")
    usage = tmp_path / "usage.py"
    usage.write_text(
        "import pathlib\n"
        "import silkgraph\n"
        "ex = silkgraph.Extractor(threads=2, relations='typed')\n"
        "g: silkgraph.Graph = ex.extract(['a', ('id', 'text'), pathlib.Path('seeds')])\n"
        "n: int = g.node_count + len(g)\n"
        "rows = g.neighbors('Iran', 'allied_with', depth=2)\n"
        "s: str = g.to_json()\n"
        "g2 = silkgraph.merge([g, silkgraph.Graph.from_json(s)])\n"
        "try:\n"
        "    g.write('x.graphml', format='graphml')\n"
        "except silkgraph.Error as e:\n"
        "    print(e)\n"
    )
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(usage)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.skipif(
    not os.environ.get("SILKGRAPH_PARQUET"),
    reason="set SILKGRAPH_PARQUET=1 with a CLI built with --features parquet (.ci/run does)",
)
def test_cli_reads_parquet_written_by_pyarrow(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    docs = seed_docs()
    jsonl = tmp_path / "seeds.jsonl"
    write_jsonl(jsonl, docs)
    expected = cli_json(tmp_path, jsonl)
    table = pa.table(
        {
            "doc": [i for i, _ in docs] + [None],
            "body": [t for _, t in docs] + [None],
            "other": list(range(len(docs) + 1)),
        }
    )
    pq.write_table(table, tmp_path / "seeds.parquet", row_group_size=2)
    out = tmp_path / "pq.json"
    r = cli("extract", tmp_path / "seeds.parquet", "--text-column", "body", "--id-column", "doc",
            "-o", out)
    assert r.returncode == 0, r.stderr
    assert out.read_text() == expected
    assert "seeds.parquet:6: empty text, skipped" in r.stderr
    # A missing column is an error naming the columns there are.
    msg = cli_error("extract", tmp_path / "seeds.parquet")
    assert 'no column "text" (the columns: doc, body, other)' in msg
