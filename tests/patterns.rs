//! The pattern recogniser seen from the command line: `source` and `aliases` in every export,
//! `explain` naming the rule, `unmatched` leaving out what the rules found, and snapshots
//! written before these fields existed still loading.

mod common;

use common::{run_ok, silkgraph, write};
use serde_json::Value;
use tempfile::TempDir;

const TEXT: &str =
    "The Kivuan Air Force received new jets. Officials of Kivu's Air Force said the \
Zelta-4 drones arrived. Pakistan and the Kivuan Air Force held talks, as reported by \
newsdesk.uz.\n";

const GAZ: &str = "[[entity]]\nid = \"country:kivu\"\ntype = \"country\"\nname = \"Kivu\"\ndemonyms = [\"Kivuan\"]\n";

fn extract(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let input = write(dir, "in.txt", TEXT);
    let gaz = dir.join("gaz");
    std::fs::create_dir_all(&gaz).unwrap();
    write(&gaz, "kivu.toml", GAZ);
    let out = dir.join(name);
    run_ok([
        "extract".as_ref(),
        input.as_os_str(),
        "--gazetteer".as_ref(),
        gaz.as_os_str(),
        "-q".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    out
}

#[test]
fn json_nodes_carry_source_and_aliases() {
    let dir = TempDir::new().unwrap();
    let out = extract(dir.path(), "g.json");
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let node = |id: &str| {
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == id)
            .unwrap_or_else(|| panic!("no node {id}: {v}"))
            .clone()
    };
    let force = node("organization:kivu-air-force");
    assert_eq!(force["source"], "pattern");
    assert_eq!(force["label"], "Kivu Air Force");
    assert_eq!(force["mentions"], 3);
    // Most frequent form first.
    assert_eq!(
        force["aliases"],
        serde_json::json!(["Kivuan Air Force", "Kivu's Air Force"])
    );
    let pk = node("country:pakistan");
    assert_eq!(pk["source"], "gazetteer");
    assert_eq!(pk["aliases"], serde_json::json!(["Pakistan"]));
    assert_eq!(node("weapon:zelta-4")["source"], "pattern");
    assert_eq!(node("organization:newsdesk-uz")["source"], "pattern");
}

#[test]
fn graphml_gexf_and_dot_carry_source_and_aliases() {
    let dir = TempDir::new().unwrap();
    let graphml = std::fs::read_to_string(extract(dir.path(), "g.graphml")).unwrap();
    assert!(graphml
        .contains("<key id=\"source\" for=\"node\" attr.name=\"source\" attr.type=\"string\"/>"));
    assert!(graphml
        .contains("<key id=\"aliases\" for=\"node\" attr.name=\"aliases\" attr.type=\"string\"/>"));
    assert!(
        graphml.contains("<data key=\"aliases\">Kivuan Air Force; Kivu&apos;s Air Force</data>")
    );
    assert!(graphml.contains("<data key=\"source\">pattern</data>"));
    assert!(graphml.contains("<data key=\"source\">gazetteer</data>"));
    let gexf = std::fs::read_to_string(extract(dir.path(), "g.gexf")).unwrap();
    assert!(gexf.contains("<attribute id=\"source\" title=\"source\" type=\"string\"/>"));
    assert!(gexf.contains("<attvalue for=\"source\" value=\"pattern\"/>"));
    assert!(gexf
        .contains("<attvalue for=\"aliases\" value=\"Kivuan Air Force; Kivu&apos;s Air Force\"/>"));
    let dot = std::fs::read_to_string(extract(dir.path(), "g.dot")).unwrap();
    assert!(
        dot.contains("source=\"pattern\", aliases=\"Kivuan Air Force; Kivu's Air Force\""),
        "{dot}"
    );
}

#[test]
fn old_snapshots_without_the_fields_still_load() {
    let dir = TempDir::new().unwrap();
    let out = extract(dir.path(), "g.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    for n in v["nodes"].as_array_mut().unwrap() {
        let o = n.as_object_mut().unwrap();
        o.remove("source");
        o.remove("aliases");
    }
    let old = write(dir.path(), "old.json", serde_json::to_vec(&v).unwrap());
    let (stdout, _) = run_ok(["stats".as_ref(), old.as_os_str()]);
    assert!(String::from_utf8_lossy(&stdout).contains("Kivu Air Force"));
}

#[test]
fn explain_names_the_rule_and_unmatched_skips_found_names() {
    let (stdout, _) = run_ok([
        "explain",
        "The Malian Air Force received Zelta-4 drones from Quex Holdings Group.",
    ]);
    let s = String::from_utf8_lossy(&stdout);
    assert!(s.contains("[pattern: organization.armed-force]"), "{s}");
    assert!(s.contains("[pattern: weapon.designation-noun]"), "{s}");
    assert!(s.contains("[pattern: organization.head]"), "{s}");
    let dir = TempDir::new().unwrap();
    let input = write(
        dir.path(),
        "u.txt",
        "Quex Holdings Group met the Malian Air Force. Zorblat Vantreem spoke.\n",
    );
    let out = silkgraph()
        .args(["unmatched".as_ref(), input.as_os_str()])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{s}");
    assert!(s.contains("Zorblat Vantreem"), "{s}");
    assert!(!s.contains("Quex Holdings"), "{s}");
    assert!(!s.contains("Air Force"), "{s}");
}
