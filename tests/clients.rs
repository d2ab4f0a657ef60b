//! Every export opened by the clients users open it with, without flags: networkx (GraphML,
//! GEXF), python-igraph (GraphML), pandas (CSV), and read back by silkgraph itself
//! (`neighbors`, `stats`, `diff` on GraphML and GEXF). Each client's view of the graph (node
//! ids, labels, types, counts; every edge with its relation, weight, direction and
//! attributes) must equal the JSON snapshot's.
//!
//! A missing client fails the test when `CI` is set (.ci/run installs them all) and skips it
//! with a note otherwise.

mod common;

use std::path::{Path, PathBuf};

use common::{python, require, run_ok, seeds, silkgraph, Tool};
use serde_json::{json, Value};
use tempfile::TempDir;

/// `silkgraph extract seeds -q -o DIR/NAME EXTRA...`.
fn extract(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut args: Vec<std::ffi::OsString> = vec![
        "extract".into(),
        seeds().into(),
        "-q".into(),
        "-o".into(),
        out.clone().into(),
    ];
    args.extend(extra.iter().map(|s| s.into()));
    run_ok(args);
    out
}

/// The graph as every client must see it, from the JSON snapshot: nodes by id with
/// [label, type, mentions, documents]; edges sorted, each [source, relation, target, weight,
/// symmetric, status, weapons, years, inferred, evidence_count]; the corpus counts.
fn expected(json_path: &Path) -> Value {
    let v: Value = serde_json::from_slice(&std::fs::read(json_path).unwrap()).unwrap();
    let mut nodes = serde_json::Map::new();
    for n in v["nodes"].as_array().unwrap() {
        nodes.insert(
            n["id"].as_str().unwrap().to_string(),
            json!([n["label"], n["type"], n["mentions"], n["documents"]]),
        );
    }
    let join = |a: &Value| {
        a.as_array()
            .unwrap()
            .iter()
            .map(|x| match x {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut edges: Vec<Value> = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            json!([
                e["source"],
                e["relation"],
                e["target"],
                e["weight"],
                e["symmetric"],
                e.get("status").and_then(Value::as_str).unwrap_or(""),
                join(&e["weapons"]),
                join(&e["years"]),
                e["inferred"],
                // The listed entries plus those past --max-evidence: the total.
                e["evidence"].as_array().unwrap().len() as u64
                    + e["evidence_omitted"].as_u64().unwrap_or(0),
            ])
        })
        .collect();
    edges.sort_by_key(|e| e.to_string());
    json!({
        "nodes": nodes,
        "edges": edges,
        "documents": v["graph"]["documents"],
        "sentences": v["graph"]["sentences"],
    })
}

/// Load an export with one client and print the same canonical form as [`expected`], plus
/// what the client thinks of directions.
const CANON: &str = r#"
import json, math, sys
client, paths = sys.argv[1], sys.argv[2:]

def s(x):
    # A missing or NaN value (pandas, igraph) is the empty string; integral floats are ints.
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)

def i(x):
    return int(float(x))

def b(x):
    if isinstance(x, str):
        return {"true": True, "false": False}[x.lower()]
    return bool(x)

def edge(src, dst, d):
    return [src, d["relation"], dst, i(d["weight"]), b(d["symmetric"]), s(d.get("status")),
            s(d.get("weapons")), s(d.get("years")), b(d["inferred"]), i(d["evidence_count"])]

out = {}
if client in ("networkx-graphml", "networkx-gexf"):
    import networkx as nx
    g = nx.read_graphml(paths[0]) if client == "networkx-graphml" else nx.read_gexf(paths[0])
    out["nodes"] = {n: [d["label"], d["type"], i(d["mentions"]), i(d["documents"])]
                    for n, d in g.nodes(data=True)}
    out["edges"] = [edge(u, v, d) for u, v, d in g.edges(data=True)]
    out["directed"] = g.is_directed()
    out["documents"] = g.graph.get("documents")
    out["sentences"] = g.graph.get("sentences")
elif client == "igraph-graphml":
    import igraph as ig
    g = ig.Graph.Read_GraphML(paths[0])
    vid = g.vs["id"]
    out["nodes"] = {v["id"]: [v["label"], v["type"], i(v["mentions"]), i(v["documents"])]
                    for v in g.vs}
    out["edges"] = [edge(vid[e.source], vid[e.target], e.attributes()) for e in g.es]
    out["directed"] = g.is_directed()
    out["documents"] = i(g["documents"])
    out["sentences"] = i(g["sentences"])
elif client == "pandas-csv":
    import pandas as pd
    n = pd.read_csv(paths[0])
    e = pd.read_csv(paths[1])
    out["node_columns"] = list(n.columns)
    out["edge_columns"] = list(e.columns)
    out["nodes"] = {r["Id"]: [s(r["Label"]), r["type"], i(r["mentions"]), i(r["documents"])]
                    for r in n.to_dict("records")}
    rows = e.to_dict("records")
    for r in rows:
        r["weight"] = r["Weight"]
    out["edges"] = [edge(r["Source"], r["Target"], r) for r in rows]
    out["type_matches_symmetric"] = all(
        (r["Type"] == "Undirected") == b(r["symmetric"]) for r in rows)
    out["kind_is_relation"] = all(r["Kind"] == r["relation"] == r["Label"] for r in rows)
    out["weight_is_int"] = str(e["Weight"].dtype).startswith("int")
    out["ids_unique"] = e["Id"].is_unique and n["Id"].is_unique
out["edges"].sort(key=lambda x: json.dumps(x, separators=(",", ":")))
print(json.dumps(out))
"#;

fn canon(client: &str, paths: &[&Path]) -> Value {
    let mut args: Vec<&Path> = vec![Path::new(client)];
    args.extend_from_slice(paths);
    let out = python(CANON, &args);
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// The client's nodes and edges equal the snapshot's, field by field.
fn assert_same_graph(client: &str, got: &Value, want: &Value) {
    let (gn, wn) = (&got["nodes"], &want["nodes"]);
    assert_eq!(
        gn.as_object().unwrap().len(),
        wn.as_object().unwrap().len(),
        "{client}: node count"
    );
    assert_eq!(gn, wn, "{client}: nodes");
    let (ge, we) = (
        got["edges"].as_array().unwrap(),
        want["edges"].as_array().unwrap(),
    );
    assert_eq!(ge.len(), we.len(), "{client}: edge count");
    // Compare with the same ordering (serialisations of the rows).
    let mut ge: Vec<String> = ge.iter().map(Value::to_string).collect();
    let mut we: Vec<String> = we.iter().map(Value::to_string).collect();
    ge.sort();
    we.sort();
    for (g, w) in ge.iter().zip(&we) {
        assert_eq!(g, w, "{client}: first differing edge");
    }
}

/// The seed graph as JSON, GraphML, GEXF and CSV, in one temporary directory.
struct Exports {
    _tmp: TempDir,
    json: PathBuf,
    graphml: PathBuf,
    gexf: PathBuf,
    nodes_csv: PathBuf,
    edges_csv: PathBuf,
}

fn exports(extra: &[&str]) -> Exports {
    let tmp = TempDir::new().unwrap();
    let json = extract(tmp.path(), "g.json", extra);
    let graphml = extract(tmp.path(), "g.graphml", extra);
    let gexf = extract(tmp.path(), "g.gexf", extra);
    extract(tmp.path(), "g.csv", extra);
    Exports {
        nodes_csv: tmp.path().join("g.nodes.csv"),
        edges_csv: tmp.path().join("g.edges.csv"),
        _tmp: tmp,
        json,
        graphml,
        gexf,
    }
}

/// The relations the seed graph must hold for the comparison to mean something: typed
/// relations of both kinds, and edges with a status, weapons and years.
fn assert_rich(want: &Value) {
    let edges = want["edges"].as_array().unwrap();
    let has = |f: &dyn Fn(&Value) -> bool| edges.iter().any(f);
    assert!(
        has(&|e| e[4] == true && e[1] != "co_occurs_with"),
        "symmetric typed"
    );
    assert!(has(&|e| e[4] == false), "directed");
    assert!(has(&|e| e[5] != ""), "status");
    assert!(has(&|e| e[6] != ""), "weapons");
    assert!(has(&|e| e[7] != ""), "years");
}

#[test]
fn networkx_opens_default_graphml_and_gexf_with_everything() {
    if !require(
        "networkx_opens_default_graphml_and_gexf_with_everything",
        &[Tool::Python3, Tool::Networkx],
    ) {
        return;
    }
    let x = exports(&[]);
    let want = expected(&x.json);
    assert_rich(&want);
    for (client, path) in [("networkx-graphml", &x.graphml), ("networkx-gexf", &x.gexf)] {
        let got = canon(client, &[path]);
        assert_same_graph(client, &got, &want);
        assert_eq!(got["directed"], true, "{client}");
        if client == "networkx-graphml" {
            assert_eq!(got["documents"], want["documents"]);
            assert_eq!(got["sentences"], want["sentences"]);
        }
    }
}

#[test]
fn igraph_opens_default_graphml_with_everything() {
    if !require(
        "igraph_opens_default_graphml_with_everything",
        &[Tool::Python3, Tool::Igraph],
    ) {
        return;
    }
    let x = exports(&[]);
    let want = expected(&x.json);
    let got = canon("igraph-graphml", &[&x.graphml]);
    assert_same_graph("igraph", &got, &want);
    // Directed, and symmetric edges say so in their attribute (igraph would have turned
    // per-edge directed="false" into one-way edges).
    assert_eq!(got["directed"], true);
    assert_eq!(got["documents"], want["documents"]);
}

#[test]
fn pandas_reads_the_csv_tables_in_gephi_layout() {
    if !require(
        "pandas_reads_the_csv_tables_in_gephi_layout",
        &[Tool::Python3, Tool::Pandas],
    ) {
        return;
    }
    let x = exports(&[]);
    let want = expected(&x.json);
    let got = canon("pandas-csv", &[&x.nodes_csv, &x.edges_csv]);
    assert_same_graph("pandas", &got, &want);
    assert_eq!(
        got["node_columns"],
        json!([
            "Id",
            "Label",
            "type",
            "mentions",
            "documents",
            "color",
            "size"
        ])
    );
    let cols = got["edge_columns"].as_array().unwrap();
    assert_eq!(
        cols[..7],
        json!(["Source", "Target", "Type", "Kind", "Id", "Label", "Weight"])
            .as_array()
            .unwrap()[..]
    );
    for check in [
        "type_matches_symmetric",
        "kind_is_relation",
        "weight_is_int",
        "ids_unique",
    ] {
        assert_eq!(got[check], true, "{check}: {got}");
    }
}

/// `--relations typed`: the typed graph's nodes are the ones typed edges touch, in every
/// client; `--keep-isolated` keeps the rest.
#[test]
fn typed_graph_has_no_edgeless_nodes_unless_asked() {
    if !require(
        "typed_graph_has_no_edgeless_nodes_unless_asked",
        &[Tool::Python3, Tool::Networkx, Tool::Igraph],
    ) {
        return;
    }
    let x = exports(&["--relations", "typed"]);
    let want = expected(&x.json);
    let touched: std::collections::BTreeSet<&str> = want["edges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| [e[0].as_str().unwrap(), e[2].as_str().unwrap()])
        .collect();
    let ids: std::collections::BTreeSet<&str> = want["nodes"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(ids, touched);
    assert!(!want["edges"].as_array().unwrap().is_empty());
    assert_same_graph(
        "networkx typed",
        &canon("networkx-graphml", &[&x.graphml]),
        &want,
    );
    assert_same_graph(
        "igraph typed",
        &canon("igraph-graphml", &[&x.graphml]),
        &want,
    );
    assert_same_graph(
        "networkx typed gexf",
        &canon("networkx-gexf", &[&x.gexf]),
        &want,
    );

    let tmp = TempDir::new().unwrap();
    let kept = expected(&extract(
        tmp.path(),
        "k.json",
        &["--relations", "typed", "--keep-isolated"],
    ));
    let all = expected(&extract(tmp.path(), "a.json", &[]));
    assert_eq!(kept["nodes"], all["nodes"]);
    assert!(kept["nodes"].as_object().unwrap().len() > ids.len());
}

/// Strip what GraphML and GEXF do not carry: the sentence text, rule and resolution of
/// evidence entries.
fn without_evidence_detail(mut v: Value) -> Value {
    for e in v["edges"].as_array_mut().unwrap() {
        for ev in e["evidence"].as_array_mut().unwrap() {
            let o = ev.as_object_mut().unwrap();
            o.remove("text");
            o.remove("rule");
            o.remove("resolved");
        }
    }
    v
}

/// extract -> GraphML/GEXF -> read -> JSON equals extract -> JSON, less evidence detail.
#[test]
fn graphml_and_gexf_read_back_as_the_snapshot() {
    let x = exports(&[]);
    let tmp = TempDir::new().unwrap();
    let mixed_graphml = extract(tmp.path(), "m.graphml", &["--mixed-directions"]);
    let mixed_gexf = extract(tmp.path(), "m.gexf", &["--mixed-directions"]);
    let snapshot = silkgraph::export::load_snapshot(&x.json).unwrap();
    let want = without_evidence_detail(silkgraph::export::to_json_value(&snapshot));
    for p in [&x.graphml, &x.gexf, &mixed_graphml, &mixed_gexf] {
        let g = silkgraph::export::load_graph(p).unwrap();
        let got = silkgraph::export::to_json_value(&g);
        assert_eq!(got["graph"], want["graph"], "{}", p.display());
        assert_eq!(got["nodes"], want["nodes"], "{}", p.display());
        let (ge, we) = (
            got["edges"].as_array().unwrap(),
            want["edges"].as_array().unwrap(),
        );
        assert_eq!(ge.len(), we.len(), "{}", p.display());
        for (a, b) in ge.iter().zip(we) {
            assert_eq!(a, b, "{}", p.display());
        }
    }
    // The typed snapshot keeps evidence detail, so the comparison above strips something.
    assert!(snapshot
        .graph
        .edge_weights()
        .any(|e| e.evidence.iter().any(|ev| ev.text().is_some())));
}

fn stdout(args: &[&std::ffi::OsStr]) -> String {
    String::from_utf8(run_ok(args).0).unwrap()
}

/// `stats`, `neighbors` and `diff` answer the same on GraphML and GEXF as on JSON.
#[test]
fn queries_answer_the_same_on_every_graph_file() {
    let x = exports(&[]);
    let os = |s: &'static str| -> &'static std::ffi::OsStr { s.as_ref() };
    for fmt in ["text", "json"] {
        let stats = |p: &Path| stdout(&[os("stats"), p.as_os_str(), os("--format"), fmt.as_ref()]);
        let want = stats(&x.json);
        assert!(want.contains("878") || fmt == "json", "{want}");
        assert_eq!(stats(&x.graphml), want, "stats {fmt} graphml");
        assert_eq!(stats(&x.gexf), want, "stats {fmt} gexf");
    }
    for entity in ["Pakistan", "China", "JF-17"] {
        let nb = |p: &Path| {
            stdout(&[
                os("neighbors"),
                p.as_os_str(),
                entity.as_ref(),
                os("--depth"),
                os("2"),
            ])
        };
        let want = nb(&x.json);
        assert_eq!(nb(&x.graphml), want, "neighbors {entity} graphml");
        assert_eq!(nb(&x.gexf), want, "neighbors {entity} gexf");
    }
    for (a, b) in [
        (&x.json, &x.graphml),
        (&x.gexf, &x.json),
        (&x.graphml, &x.gexf),
    ] {
        let out = silkgraph()
            .args([os("diff"), a.as_os_str(), b.as_os_str()])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn xml_that_is_not_a_silkgraph_graph_is_refused_clearly() {
    let tmp = TempDir::new().unwrap();
    let cases = [
        ("page.xml", "<html><body/></html>", "root element is <html>"),
        ("broken.graphml", "<graphml><graph>", "ends inside"),
        (
            "foreign.graphml",
            r#"<graphml><graph edgedefault="directed"><node id="n0"/></graph></graphml>"#,
            "has no `type` attribute",
        ),
        ("empty.gexf", "", "no root element"),
    ];
    for (name, text, want) in cases {
        let p = common::write(tmp.path(), name, text);
        let out = silkgraph()
            .args(["stats".as_ref(), p.as_os_str()])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains("cannot read it as a graph written by silkgraph") && err.contains(want),
            "{name}: {err}"
        );
    }
}

#[test]
fn csv_goes_to_two_files_and_never_to_stdout() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("tables/");
    let dir_arg = format!("{}/", tmp.path().join("tables").display());
    run_ok([
        "extract",
        seeds().to_str().unwrap(),
        "-q",
        "--format",
        "csv",
        "-o",
        &dir_arg,
    ]);
    assert!(dir.join("nodes.csv").is_file() && dir.join("edges.csv").is_file());
    let out = silkgraph()
        .args([
            "extract",
            seeds().to_str().unwrap(),
            "-q",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o DIR/ or -o NAME.csv"));
}

/// The files the clients above read are valid: GraphML against the XSD with Gephi's edge
/// `label` overlay, GEXF against the 1.3 RelaxNG (default, typed and mixed forms).
#[test]
fn every_xml_export_is_schema_valid() {
    if !require(
        "every_xml_export_is_schema_valid",
        &[Tool::Xmllint, Tool::Shared],
    ) {
        return;
    }
    let xsd = common::shared().join("formats/graphml/graphml-gephi.xsd");
    let rng = common::shared().join("formats/gexf-1.3/gexf.rng");
    let tmp = TempDir::new().unwrap();
    for (i, extra) in [
        &[][..],
        &["--relations", "typed"][..],
        &["--mixed-directions"][..],
    ]
    .into_iter()
    .enumerate()
    {
        for (ext, flag, schema) in [("graphml", "--schema", &xsd), ("gexf", "--relaxng", &rng)] {
            let p = extract(tmp.path(), &format!("v{i}.{ext}"), extra);
            common::run_tool(
                "xmllint",
                &[
                    "--noout".as_ref(),
                    flag.as_ref(),
                    schema.as_os_str(),
                    p.as_os_str(),
                ],
            );
        }
    }
}
