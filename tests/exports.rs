//! The exporters checked with real clients on real output: xmllint against the GraphML (Gephi
//! overlay) XSD and the GEXF 1.3 RelaxNG, networkx, graphviz `dot`, and python's XML parser.
//!
//! A missing client fails the test when `CI` is set and skips it with a note otherwise.

mod common;

use std::path::{Path, PathBuf};

use common::{python, require, run_ok, run_tool, seeds, shared, write, Tool};
use serde_json::Value;
use tempfile::TempDir;

/// `silkgraph extract INPUT -q -o DIR/NAME EXTRA...`; returns the output path.
fn extract(input: &Path, dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    run_ok(
        [
            "extract".as_ref(),
            input.as_os_str(),
            "-q".as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
        ]
        .into_iter()
        .chain(extra.iter().map(|s| s.as_ref())),
    );
    out
}

/// Count `<node ...>` and `<edge ...>` elements of a GraphML or GEXF file.
fn count_xml(path: &Path) -> (usize, usize) {
    let s = std::fs::read_to_string(path).unwrap();
    (s.matches("<node ").count(), s.matches("<edge ").count())
}

fn count_json(path: &Path) -> (usize, usize) {
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    (
        v["nodes"].as_array().unwrap().len(),
        v["edges"].as_array().unwrap().len(),
    )
}

fn graphml_xsd() -> PathBuf {
    shared().join("formats/graphml/graphml-gephi.xsd")
}

fn gexf_rng() -> PathBuf {
    shared().join("formats/gexf-1.3/gexf.rng")
}

fn xmllint_schema(file: &Path) {
    run_tool(
        "xmllint",
        &[
            "--noout".as_ref(),
            "--schema".as_ref(),
            graphml_xsd().as_os_str(),
            file.as_os_str(),
        ],
    );
}

fn xmllint_relaxng(file: &Path) {
    run_tool(
        "xmllint",
        &[
            "--noout".as_ref(),
            "--relaxng".as_ref(),
            gexf_rng().as_os_str(),
            file.as_os_str(),
        ],
    );
}

/// Whether a GEXF file mixes directed and undirected edges (networkx raises on those).
fn gexf_is_mixed(path: &Path) -> bool {
    let s = std::fs::read_to_string(path).unwrap();
    s.contains("type=\"directed\"") && s.contains("type=\"undirected\"")
}

/// networkx: (nodes, edges, directed, multigraph) as JSON on stdout.
const NX_COUNTS: &str = r#"
import json, sys
import networkx as nx
kind, path = sys.argv[1], sys.argv[2]
if kind == "graphml":
    g = nx.read_graphml(path)
elif kind == "gexf":
    g = nx.read_gexf(path)
else:
    with open(path, encoding="utf-8") as f:
        g = nx.node_link_graph(json.load(f), edges="edges")
some_edge = next(iter(g.edges(data=True)), (None, None, {}))[2]
print(json.dumps({
    "nodes": g.number_of_nodes(),
    "edges": g.number_of_edges(),
    "directed": g.is_directed(),
    "multigraph": g.is_multigraph(),
    "labels": sorted(str(d.get("label")) for _, d in g.nodes(data=True))[:5],
    "edge_attrs": {k: type(v).__name__ for k, v in some_edge.items()},
}))
"#;

fn networkx(kind: &str, path: &Path) -> Value {
    let out = python(NX_COUNTS, &[Path::new(kind), path]);
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn graphml_is_valid_against_the_gephi_xsd() {
    if !require(
        "graphml_is_valid_against_the_gephi_xsd",
        &[Tool::Xmllint, Tool::Shared],
    ) {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let directed = extract(&seeds(), tmp.path(), "out.graphml", &[]);
    let mixed = extract(&seeds(), tmp.path(), "m.graphml", &["--mixed-directions"]);
    let co = extract(
        &seeds(),
        tmp.path(),
        "co.graphml",
        &["--relations", "cooccurrence"],
    );
    xmllint_schema(&directed);
    xmllint_schema(&mixed);
    xmllint_schema(&co);
    assert!(count_xml(&directed).1 > 0);
    // Only the mixed form has undirected edges in a directed graph.
    let text = |p: &Path| std::fs::read_to_string(p).unwrap();
    assert!(!text(&directed).contains("directed=\"false\""));
    assert!(text(&mixed).contains("directed=\"false\""));
    assert!(text(&co).contains("edgedefault=\"undirected\""));
}

#[test]
fn gexf_is_valid_against_the_relaxng() {
    if !require(
        "gexf_is_valid_against_the_relaxng",
        &[Tool::Xmllint, Tool::Shared],
    ) {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let all = extract(&seeds(), tmp.path(), "out.gexf", &[]);
    let mixed = extract(&seeds(), tmp.path(), "m.gexf", &["--mixed-directions"]);
    assert!(gexf_is_mixed(&mixed) && !gexf_is_mixed(&all));
    xmllint_relaxng(&mixed);
    let co = extract(
        &seeds(),
        tmp.path(),
        "co.gexf",
        &["--relations", "cooccurrence"],
    );
    xmllint_relaxng(&all);
    xmllint_relaxng(&co);
}

#[test]
fn networkx_reads_default_graphml() {
    if !require(
        "networkx_reads_default_graphml",
        &[Tool::Python3, Tool::Networkx],
    ) {
        return;
    }
    let tmp = TempDir::new().unwrap();
    // The hidden --graphml-directed-only of earlier versions is the default now.
    let p = extract(
        &seeds(),
        tmp.path(),
        "d.graphml",
        &["--graphml-directed-only"],
    );
    assert_eq!(
        std::fs::read(&p).unwrap(),
        std::fs::read(extract(&seeds(), tmp.path(), "e.graphml", &[])).unwrap()
    );
    let (nodes, edges) = count_xml(&p);
    let g = networkx("graphml", &p);
    assert_eq!(g["nodes"], nodes, "{g}");
    assert_eq!(g["edges"], edges, "{g}");
    assert_eq!(g["directed"], true);
    // Typed keys come back typed.
    assert_eq!(g["edge_attrs"]["weight"], "float", "{g}");
    assert_eq!(g["edge_attrs"]["symmetric"], "bool", "{g}");
    assert_eq!(g["edge_attrs"]["evidence_count"], "int", "{g}");
}

#[test]
fn networkx_reads_gexf() {
    if !require("networkx_reads_gexf", &[Tool::Python3, Tool::Networkx]) {
        return;
    }
    let tmp = TempDir::new().unwrap();
    // Co-occurrence only: every edge undirected, which networkx accepts.
    let co = extract(
        &seeds(),
        tmp.path(),
        "co.gexf",
        &["--relations", "cooccurrence"],
    );
    assert!(!gexf_is_mixed(&co));
    let (nodes, edges) = count_xml(&co);
    let g = networkx("gexf", &co);
    assert_eq!(g["nodes"], nodes, "{g}");
    assert_eq!(g["edges"], edges, "{g}");
    assert_eq!(g["directed"], false, "{g}");

    // The full graph: every edge directed by default (networkx raises on GEXF that mixes
    // directions, "Undirected edge found in directed graph").
    let all = extract(&seeds(), tmp.path(), "all.gexf", &[]);
    assert!(!gexf_is_mixed(&all));
    let (nodes, edges) = count_xml(&all);
    let g = networkx("gexf", &all);
    assert_eq!(
        (g["nodes"].clone(), g["edges"].clone()),
        (nodes.into(), edges.into())
    );
    assert_eq!(g["directed"], true, "{g}");
}

#[test]
fn networkx_reads_node_link_json() {
    if !require(
        "networkx_reads_node_link_json",
        &[Tool::Python3, Tool::Networkx],
    ) {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let p = extract(&seeds(), tmp.path(), "out.json", &[]);
    let (nodes, edges) = count_json(&p);
    let g = networkx("json", &p);
    assert_eq!(g["nodes"], nodes, "{g}");
    assert_eq!(g["edges"], edges, "{g}");
    assert_eq!(g["directed"], true);
    assert_eq!(g["multigraph"], true);
}

#[test]
fn dot_parses_and_renders_to_svg() {
    if !require("dot_parses_and_renders_to_svg", &[Tool::Dot]) {
        return;
    }
    let tmp = TempDir::new().unwrap();
    // The whole seed graph: graphviz's parser (`gc`) reads it and counts what we wrote.
    let p = extract(&seeds(), tmp.path(), "out.dot", &[]);
    let s = std::fs::read_to_string(&p).unwrap();
    let nodes = s
        .lines()
        .filter(|l| l.contains(" [label=") && !l.contains(" -> "))
        .count();
    let edges = s.lines().filter(|l| l.contains(" -> ")).count();
    let counts = run_tool("gc", &["-n".as_ref(), "-e".as_ref(), p.as_os_str()]);
    let nums: Vec<usize> = counts
        .split_whitespace()
        .take(2)
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(nums, [nodes, edges], "gc: {counts}");

    // Layout: `dot -Tsvg` renders the full seed graph (large graphs ask for the sfdp engine
    // with straight edges, which takes well under a second).
    let svg = tmp.path().join("out.svg");
    run_tool(
        "dot",
        &[
            "-Tsvg".as_ref(),
            p.as_os_str(),
            "-o".as_ref(),
            svg.as_os_str(),
        ],
    );
    let s = std::fs::read_to_string(&svg).unwrap();
    assert!(s.contains("<svg") && s.contains("Pakistan"));
}

/// The canonical name every exporter must carry through unharmed.
const NASTY: &str = r#"AT&T "Ltd" <x> C:\path\ Côte d'Ivoire"#;

const NASTY_GAZETTEER: &str = r#"
[[entity]]
id = "organization:att"
type = "organization"
name = "AT&T \"Ltd\" <x> C:\\path\\ Côte d'Ivoire"
names = ["Attco Holdings"]

[[entity]]
id = "country:borduria"
type = "country"
name = "Borduria"
"#;

/// Read the label back with every client available: networkx (GraphML, GEXF, JSON), python's XML parser (GraphML, GEXF, SVG).
const READ_LABELS: &str = r#"
import json, sys
import xml.etree.ElementTree as ET
d = sys.argv[1]
NODE = "organization:att"
out = {}
G = "{http://graphml.graphdrawing.org/xmlns}"
for name in ["e.graphml", "ed.graphml"]:
    root = ET.parse(f"{d}/{name}").getroot()
    for n in root.iter(G + "node"):
        if n.get("id") == NODE:
            out["etree " + name] = [x.text for x in n if x.get("key") == "label"][0]
    out["edges " + name] = len(list(root.iter(G + "edge")))
X = "{http://gexf.net/1.3}"
root = ET.parse(f"{d}/e.gexf").getroot()
for n in root.iter(X + "node"):
    if n.get("id") == NODE:
        out["etree e.gexf"] = n.get("label")
out["edges e.gexf"] = len(list(root.iter(X + "edge")))
svg = ET.parse(f"{d}/e.svg").getroot()
out["svg texts"] = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
if len(sys.argv) > 2:
    import networkx as nx
    g = nx.read_graphml(f"{d}/e.graphml")
    out["networkx e.graphml"] = g.nodes[NODE]["label"]
    out["edges networkx e.graphml"] = g.number_of_edges()
    g = nx.read_gexf(f"{d}/e.gexf")
    out["networkx e.gexf"] = g.nodes[NODE]["label"]
    with open(f"{d}/e.json", encoding="utf-8") as f:
        g = nx.node_link_graph(json.load(f), edges="edges")
    out["networkx e.json"] = g.nodes[NODE]["label"]
    out["edges networkx e.json"] = g.number_of_edges()
print(json.dumps(out))
"#;

#[test]
fn labels_with_markup_round_trip_through_every_client() {
    if !require(
        "labels_with_markup_round_trip_through_every_client",
        &[
            Tool::Python3,
            Tool::Networkx,
            Tool::Xmllint,
            Tool::Dot,
            Tool::Shared,
        ],
    ) {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let gaz = tmp.path().join("gaz");
    write(&gaz, "nasty.toml", NASTY_GAZETTEER);
    let corpus = tmp.path().join("corpus");
    write(
        &corpus,
        "doc.txt",
        "Attco Holdings opened an office in Borduria in 2020.\n",
    );
    let d = tmp.path().join("out");
    std::fs::create_dir(&d).unwrap();
    let g: [&str; 3] = [
        "--no-default-gazetteer",
        "--gazetteer",
        gaz.to_str().unwrap(),
    ];
    for f in ["graphml", "gexf", "dot", "json"] {
        extract(&corpus, &d, &format!("e.{f}"), &g);
    }
    let ed = extract(
        &corpus,
        &d,
        "ed.graphml",
        &[g[0], g[1], g[2], "--mixed-directions"],
    );

    // The JSON carries the exact label (serde), and an edge exists.
    let v: Value = serde_json::from_slice(&std::fs::read(d.join("e.json")).unwrap()).unwrap();
    let node = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "organization:att")
        .expect("the entity is in the graph");
    assert_eq!(node["label"], NASTY);
    assert!(!v["edges"].as_array().unwrap().is_empty(), "an edge exists");

    // Schema validity of the escaped XML.
    xmllint_schema(&d.join("e.graphml"));
    xmllint_schema(&ed);
    xmllint_relaxng(&d.join("e.gexf"));

    // graphviz renders it; the SVG holds the label XML-escaped.
    let svg = d.join("e.svg");
    run_tool(
        "dot",
        &[
            "-Tsvg".as_ref(),
            d.join("e.dot").as_os_str(),
            "-o".as_ref(),
            svg.as_os_str(),
        ],
    );
    let raw = std::fs::read_to_string(&svg).unwrap();
    assert!(
        raw.contains("AT&amp;T &quot;Ltd&quot; &lt;x&gt; C:\\path\\ Côte d"),
        "escaped label in SVG:\n{raw}"
    );

    let out = python(READ_LABELS, &[&d, Path::new("networkx")]);
    let r: Value = serde_json::from_str(out.trim()).unwrap();
    for key in [
        "etree e.graphml",
        "etree ed.graphml",
        "etree e.gexf",
        "networkx e.graphml",
        "networkx e.gexf",
        "networkx e.json",
    ] {
        assert_eq!(r[key], NASTY, "{key}: {r}");
    }
    for key in [
        "edges e.graphml",
        "edges ed.graphml",
        "edges e.gexf",
        "edges networkx e.graphml",
        "edges networkx e.json",
    ] {
        assert!(r[key].as_u64().unwrap() >= 1, "{key}: {r}");
    }
    assert!(
        r["svg texts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == NASTY),
        "SVG text read back: {r}"
    );
}
