//! `silkgraph convert`: a graph file to any export format, the same bytes `extract` writes
//! whenever the input carries what the output needs.

mod common;

use std::path::{Path, PathBuf};

use common::{run_ok, seeds, silkgraph};
use serde_json::Value;
use tempfile::TempDir;

fn extract(dir: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    run_ok([
        "extract".as_ref(),
        seeds().as_os_str(),
        "-q".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    out
}

fn convert(input: &Path, out: &Path) {
    run_ok([
        "convert".as_ref(),
        input.as_os_str(),
        "-q".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
}

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The JSON snapshot holds everything, evidence sentences included: every format converted
/// from it is byte for byte what extract writes.
#[test]
fn snapshot_converts_to_what_extract_writes() {
    let dir = TempDir::new().unwrap();
    let snapshot = extract(dir.path(), "g.json");
    for ext in ["html", "graphml", "gexf", "dot", "json"] {
        let direct = extract(dir.path(), &format!("direct.{ext}"));
        let converted = dir.path().join(format!("converted.{ext}"));
        convert(&snapshot, &converted);
        assert!(
            bytes(&direct) == bytes(&converted),
            "{ext}: convert differs from extract"
        );
    }
    // CSV: both tables.
    extract(dir.path(), "direct.csv");
    convert(&snapshot, &dir.path().join("converted.csv"));
    for table in ["nodes", "edges"] {
        assert_eq!(
            bytes(&dir.path().join(format!("direct.{table}.csv"))),
            bytes(&dir.path().join(format!("converted.{table}.csv"))),
            "{table} table"
        );
    }
    // --format to standard output gives the same page.
    let (stdout, _) = run_ok([
        "convert".as_ref(),
        snapshot.as_os_str(),
        "--format".as_ref(),
        "html".as_ref(),
    ]);
    assert!(stdout == bytes(&dir.path().join("direct.html")));
}

/// GraphML and GEXF keep every node and edge but not the evidence sentences: a GraphML
/// converted to JSON and back is the same GraphML, and its JSON has the nodes, edges and
/// weights of the full snapshot.
#[test]
fn graphml_and_gexf_round_trip() {
    let dir = TempDir::new().unwrap();
    let graphml = extract(dir.path(), "g.graphml");
    let gexf = extract(dir.path(), "g.gexf");
    let full: Value = serde_json::from_slice(&bytes(&extract(dir.path(), "g.json"))).unwrap();
    let json = dir.path().join("from-graphml.json");
    convert(&graphml, &json);
    let back = dir.path().join("back.graphml");
    convert(&json, &back);
    assert!(
        bytes(&graphml) == bytes(&back),
        "graphml -> json -> graphml"
    );

    let read: Value = serde_json::from_slice(&bytes(&json)).unwrap();
    let ids = |v: &Value, key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                format!(
                    "{} {} {} {}",
                    x["id"], x["source"], x["relation"], x["target"]
                )
            })
            .collect()
    };
    assert_eq!(ids(&read, "nodes"), ids(&full, "nodes"));
    assert_eq!(ids(&read, "edges"), ids(&full, "edges"));
    let weights = |v: &Value| -> Vec<u64> {
        v["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["weight"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(weights(&read), weights(&full));

    // GEXF -> GraphML is extract's GraphML.
    let from_gexf = dir.path().join("from-gexf.graphml");
    convert(&gexf, &from_gexf);
    assert!(bytes(&graphml) == bytes(&from_gexf), "gexf -> graphml");
}

/// A damaged graph file: exit 2, an error naming the file, no output left (and an existing
/// output untouched), no temp file in the output directory.
#[test]
fn a_broken_graph_file_is_an_error_that_names_it() {
    let dir = TempDir::new().unwrap();
    let json = extract(dir.path(), "g.json");
    let graphml = extract(dir.path(), "g.graphml");
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let kept = out_dir.join("kept.html");
    std::fs::write(&kept, "previous").unwrap();
    for (name, source) in [("broken.json", &json), ("broken.graphml", &graphml)] {
        let text = bytes(source);
        let broken = dir.path().join(name);
        std::fs::write(&broken, &text[..text.len() / 2]).unwrap();
        for out in [out_dir.join("new.html"), kept.clone()] {
            let o = silkgraph()
                .args(["convert".as_ref(), broken.as_os_str(), "-o".as_ref()])
                .arg(&out)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{name}: {stderr}");
            assert!(
                stderr.contains(&broken.display().to_string()),
                "{name}: the error names the file: {stderr}"
            );
        }
        assert!(!out_dir.join("new.html").exists(), "{name}: no output left");
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "previous");
        let left: Vec<_> = std::fs::read_dir(&out_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("kept.html")]);
    }
}

#[test]
fn a_corpus_is_not_a_graph_file() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("g.html");
    let o = silkgraph()
        .args(["convert".as_ref(), seeds().as_os_str(), "-o".as_ref()])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("silkgraph extract"));
    assert!(!out.exists());
}

/// The `<script id="ID">` text of a page.
fn block<'a>(html: &'a str, id: &str) -> &'a str {
    let open = html.find(&format!("<script id=\"{id}\"")).unwrap();
    let body = open + html[open..].find('>').unwrap() + 1;
    &html[body..body + html[body..].find("</script").unwrap()]
}

/// The view of a GraphML file: the same graph and layout as the snapshot's view, evidence
/// entries that say where the sentence is but carry no text (GraphML does not).
#[test]
fn graphml_view_has_the_graph_and_where_the_evidence_is() {
    use base64::Engine;
    let dir = TempDir::new().unwrap();
    let from_json = std::fs::read_to_string(extract(dir.path(), "g.html")).unwrap();
    let graphml = extract(dir.path(), "g.graphml");
    let page = dir.path().join("from-graphml.html");
    convert(&graphml, &page);
    let page = std::fs::read_to_string(page).unwrap();
    let data: Value = serde_json::from_str(block(&page, "sg-data")).unwrap();
    let full: Value = serde_json::from_str(block(&from_json, "sg-data")).unwrap();
    for key in ["nodes", "edges", "relations", "layout"] {
        assert_eq!(data[key], full[key], "{key}");
    }
    let packed = base64::engine::general_purpose::STANDARD
        .decode(block(&page, "sg-evidence").trim())
        .unwrap();
    let ev: Value =
        serde_json::from_slice(&miniz_oxide::inflate::decompress_to_vec(&packed).unwrap()).unwrap();
    let entries: Vec<&Value> = ev["edges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e.as_array().unwrap())
        .collect();
    assert!(!entries.is_empty() && !ev["docs"].as_array().unwrap().is_empty());
    assert!(entries.iter().all(|v| v[4].is_null() && v[1].is_u64()));
}
