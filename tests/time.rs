//! Dates and the graph in time, through the CLI: document dates (JSONL, datelines, file
//! names), `--since`/`--until`, time in every export and read back, GEXF spells checked by
//! xmllint against the GEXF 1.3 schema and opened by networkx, `timeline`, `diff` of two
//! windows, and undated corpora left exactly as they were.

mod common;

use std::path::{Path, PathBuf};

use common::{python, repo, require, run_ok, seeds, shared, silkgraph, Tool};
use serde_json::Value;
use tempfile::TempDir;

fn dated() -> PathBuf {
    repo().join("examples").join("dated")
}

fn extract(out: &Path, extra: &[&str]) -> String {
    let mut args: Vec<std::ffi::OsString> = vec![
        "extract".into(),
        dated().into(),
        "--date-from-filename".into(),
        "-o".into(),
        out.into(),
    ];
    args.extend(extra.iter().map(Into::into));
    run_ok(args).1
}

fn json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn edge<'a>(g: &'a Value, s: &str, r: &str, t: &str) -> &'a Value {
    g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["source"] == s && e["relation"] == r && e["target"] == t)
        .unwrap_or_else(|| panic!("no edge {s} {r} {t}"))
}

#[test]
fn documents_are_dated_by_jsonl_datelines_and_file_names_and_edges_carry_it() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("g.json");
    let stderr = extract(&out, &[]);
    // 9 JSONL dates, 2 file names, 1 dateline with a year; the year-less dateline, the
    // ambiguous 03/04/2024 and the document without a date stay undated.
    assert!(stderr.contains("15 documents (12 dated)"), "{stderr}");
    assert!(stderr.contains("date \"03/04/2024\" not read"), "{stderr}");
    let g = json(&out);
    let e = edge(
        &g,
        "country:china",
        "supplies_arms_to",
        "country:uzbekistan",
    );
    assert_eq!(e["first_seen"], "2024-01-15");
    assert_eq!(e["last_seen"], "2024-02-23");
    assert_eq!(e["dates"]["2024-02-23"], 1);
    assert!(e["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["date"].is_string()));
    // A copy of an earlier sentence on a later day: the weight is not raised, but the day
    // counts it (it was reported again then; see dates::DateCounts).
    let rail = edge(&g, "country:china", "cooperates_with", "country:uzbekistan");
    assert_eq!(rail["dates"]["2024-02-24"], 1);
    assert_eq!(rail["last_seen"], "2024-02-24");
    // The dateline "BISHKEK, July 21, 2024" dates its document.
    let kg = edge(&g, "country:china", "cooperates_with", "country:kyrgyzstan");
    assert!(kg["dates"]["2024-07-21"].as_u64() == Some(1), "{kg}");
    // The year-less "ASTANA, July 21" one does not: that edge is undated.
    let kz = edge(&g, "country:china", "cooperates_with", "country:kazakhstan");
    assert!(kz["dates"].get("2024-07-21").is_none(), "{kz}");
    let undated = edge(&g, "country:iran", "co_occurs_with", "country:tajikistan");
    assert!(undated.get("first_seen").is_none() && undated.get("dates").is_none());
    // Without --date-from-filename, the file named by date and nothing else is undated
    // (the other one has a dated dateline).
    let plain = dir.path().join("p.json");
    let (_, stderr) = run_ok([
        "extract".as_ref(),
        dated().as_os_str(),
        "-o".as_ref(),
        plain.as_os_str(),
    ]);
    assert!(stderr.contains("15 documents (11 dated)"), "{stderr}");
}

#[test]
fn a_window_keeps_the_documents_dated_in_it_and_counts_the_rest() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("g.json");
    let stderr = extract(&out, &["--since", "2024", "--until", "2024-Q1"]);
    assert!(
        stderr.contains("3 documents (3 dated)")
            && stderr
                .contains("window 2024-01-01..2024-03-31: left out 9 dated outside and 3 undated"),
        "{stderr}"
    );
    let g = json(&out);
    for e in g["edges"].as_array().unwrap() {
        let (f, l) = (
            e["first_seen"].as_str().unwrap(),
            e["last_seen"].as_str().unwrap(),
        );
        assert!(f >= "2024-01-01" && l <= "2024-03-31", "{e}");
    }
    // An empty window is an error, and so is a window ending before it starts.
    let empty = dir.path().join("e.json");
    let o = silkgraph()
        .args(["extract", "--date-from-filename", "--since", "2030", "-o"])
        .arg(&empty)
        .arg(dated())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no document in the window"));
    assert!(!empty.exists());
    let o = silkgraph()
        .args(["extract", "--since", "2024", "--until", "2023", "-o", "-"])
        .arg(dated())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = silkgraph()
        .args(["extract", "--since", "03/04/2024", "-o", "-"])
        .arg(dated())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a date or period"));
}

#[test]
fn undated_corpora_write_no_time_attributes() {
    let dir = TempDir::new().unwrap();
    for ext in ["json", "graphml", "gexf", "dot"] {
        let a = dir.path().join(format!("a.{ext}"));
        let b = dir.path().join(format!("b.{ext}"));
        run_ok([
            "extract".as_ref(),
            seeds().as_os_str(),
            "-q".as_ref(),
            "-o".as_ref(),
            a.as_os_str(),
        ]);
        // The seeds are not named by date: the option changes nothing.
        run_ok([
            "extract".as_ref(),
            seeds().as_os_str(),
            "-q".as_ref(),
            "--date-from-filename".as_ref(),
            "-o".as_ref(),
            b.as_os_str(),
        ]);
        let text = std::fs::read_to_string(&a).unwrap();
        assert_eq!(text, std::fs::read_to_string(&b).unwrap(), "{ext}");
        for word in [
            "first_seen",
            "last_seen",
            "\"dates\"",
            "spell",
            "timeformat",
            "\"date\"",
        ] {
            assert!(!text.contains(word), "{ext} has {word}");
        }
        assert!(!text.contains("mode=\"dynamic\""), "{ext}");
    }
}

#[test]
fn time_survives_graphml_and_gexf_and_timelines_agree() {
    let dir = TempDir::new().unwrap();
    let mut timelines = Vec::new();
    for ext in ["json", "graphml", "gexf"] {
        let out = dir.path().join(format!("g.{ext}"));
        extract(&out, &["-q"]);
        let (stdout, _) = run_ok([
            "timeline".as_ref(),
            out.as_os_str(),
            "Uzbekistan".as_ref(),
            "--by".as_ref(),
            "quarter".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
        ]);
        timelines.push(String::from_utf8(stdout).unwrap());
    }
    assert_eq!(timelines[0], timelines[1]);
    assert_eq!(timelines[0], timelines[2]);
    let t: Value = serde_json::from_str(&timelines[0]).unwrap();
    let periods: Vec<(&str, u64)> = t["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["period"].as_str().unwrap(), p["total"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        periods,
        vec![
            ("2023-Q1", 2),
            ("2023-Q2", 4),
            ("2023-Q3", 0),
            ("2023-Q4", 0),
            ("2024-Q1", 12)
        ]
    );
    // diff reads the time attributes back: a graph equals its GraphML and GEXF copies.
    let (_, _) = run_ok([
        "diff".as_ref(),
        dir.path().join("g.json").as_os_str(),
        dir.path().join("g.gexf").as_os_str(),
    ]);
}

#[test]
fn counts_per_period_do_not_depend_on_the_evidence_cap() {
    let dir = TempDir::new().unwrap();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    extract(&a, &["-q"]);
    extract(&b, &["-q", "--max-evidence", "1"]);
    let t = |p: &Path| {
        run_ok([
            "timeline".as_ref(),
            p.as_os_str(),
            "china".as_ref(),
            "--by".as_ref(),
            "year".as_ref(),
        ])
        .0
    };
    let text = String::from_utf8(t(&a)).unwrap();
    assert_eq!(text, String::from_utf8(t(&b)).unwrap());
    assert!(
        text.starts_with("China (country:china): supporting sentences by year\n2023 "),
        "{text}"
    );
    // One relation only.
    let (only, _) = run_ok([
        "timeline".as_ref(),
        a.as_os_str(),
        "china".as_ref(),
        "--relation".as_ref(),
        "supplies_arms_to".as_ref(),
        "--by".as_ref(),
        "year".as_ref(),
    ]);
    let only = String::from_utf8(only).unwrap();
    assert!(
        only.contains("2   supplies_arms_to -> Uzbekistan"),
        "{only}"
    );
    assert!(!only.contains("co_occurs_with"), "{only}");
}

#[test]
fn timeline_of_an_undated_graph_says_so() {
    let dir = TempDir::new().unwrap();
    let g = dir.path().join("s.json");
    run_ok([
        "extract".as_ref(),
        seeds().as_os_str(),
        "-q".as_ref(),
        "-o".as_ref(),
        g.as_os_str(),
    ]);
    let o = silkgraph()
        .arg("timeline")
        .arg(&g)
        .arg("china")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("has no dates"));
}

#[test]
fn diff_compares_two_windows_of_one_graph() {
    let dir = TempDir::new().unwrap();
    let g = dir.path().join("g.json");
    extract(&g, &["-q"]);
    let o = silkgraph()
        .args([
            "diff",
            "--typed-only",
            "--color",
            "never",
            "--format",
            "json",
        ])
        .arg(&g)
        .arg(&g)
        .args(["--old-window", "2023", "--new-window", "2024"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    let text = d.to_string();
    assert!(text.contains("[2023-01-01..2023-12-31]"), "{text}");
    // Russia supplied Uzbekistan in 2023 only; China in 2024 only.
    assert!(text.contains("country:russia"), "{text}");
    // The same window on both sides: equal.
    run_ok([
        "diff".as_ref(),
        g.as_os_str(),
        g.as_os_str(),
        "--old-window".as_ref(),
        "2024-Q1".as_ref(),
        "--new-window".as_ref(),
        "2024-01..2024-03".as_ref(),
    ]);
}

#[test]
fn gexf_spells_validate_and_open_in_networkx() {
    if !require(
        "gexf_spells_validate_and_open_in_networkx",
        &[Tool::Xmllint, Tool::Networkx, Tool::Shared],
    ) {
        return;
    }
    let dir = TempDir::new().unwrap();
    let gexf = dir.path().join("g.gexf");
    let graphml = dir.path().join("g.graphml");
    extract(&gexf, &["-q"]);
    extract(&graphml, &["-q"]);
    let text = std::fs::read_to_string(&gexf).unwrap();
    assert!(text.contains("mode=\"dynamic\" timeformat=\"date\""));
    assert!(
        text.contains("<spell start=\"2024-02-23\" end=\"2024-02-24\"/>"),
        "consecutive days merge"
    );
    let rng = shared().join("formats/gexf-1.3/gexf.rng");
    common::run_tool(
        "xmllint",
        &[
            "--noout".as_ref(),
            "--relaxng".as_ref(),
            rng.as_os_str(),
            gexf.as_os_str(),
        ],
    );
    let out = python(
        r#"
import sys, networkx as nx
g = nx.read_gexf(sys.argv[1])
# Parallel edges are keyed by their GEXF id: find the relation's.
(d,) = [d for _, _, d in g.edges("country:china", data=True) if d["relation"] == "supplies_arms_to"]
print(d["first_seen"], d["last_seen"], d["spells"])
n = g.nodes["country:iran"]
print("spells" in n, n.get("first_seen"))
h = nx.read_graphml(sys.argv[2])
print(h.nodes["country:china"]["first_seen"], h.nodes["country:china"]["last_seen"])
"#,
        &[&gexf, &graphml],
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "2024-01-15 2024-02-23 [('2024-01-15', '2024-01-15'), ('2024-02-23', '2024-02-23')]"
    );
    assert_eq!(lines[1], "True 2024-08-30");
    assert_eq!(lines[2], "2023-03-02 2024-10-02");
}
