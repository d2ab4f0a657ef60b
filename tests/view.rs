//! The interactive HTML view: what `extract` and `diff` write, and (when Chromium, its
//! driver and Python selenium are installed) the page driven in a real headless browser by
//! tests/browser/view_test.py.
//!
//! Without a browser the browser test is skipped with a note on stderr; with
//! `SILKGRAPH_REQUIRE_BROWSER=1` (set by .ci/run) a missing browser fails it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use common::{repo, run_ok, seeds, silkgraph};
use serde_json::Value;
use tempfile::TempDir;

/// The JSON of `<script id="sg-data" ...>` in a page, cut where a browser would cut it.
fn page_data(html: &str) -> Value {
    let open = html
        .find("<script id=\"sg-data\"")
        .expect("data block present");
    let body = open + html[open..].find('>').unwrap() + 1;
    let end = body + html[body..].find("</script").unwrap();
    serde_json::from_str(&html[body..end]).expect("the data block is JSON")
}

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

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn html_page_holds_the_graph_and_nothing_external() {
    let dir = TempDir::new().unwrap();
    let json: Value = serde_json::from_str(&read(&extract(dir.path(), "g.json", &[]))).unwrap();
    let html = read(&extract(dir.path(), "g.html", &[]));
    let data = page_data(&html);
    let ids = |v: &Value| -> Vec<String> {
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&data), ids(&json));
    assert_eq!(
        data["edges"].as_array().unwrap().len(),
        json["edges"].as_array().unwrap().len()
    );
    // Every edge's weight and relation, in the same (sorted) order as the snapshot.
    for (e, j) in data["edges"]
        .as_array()
        .unwrap()
        .iter()
        .zip(json["edges"].as_array().unwrap())
    {
        let rel = &data["relations"][e[2].as_u64().unwrap() as usize];
        assert_eq!(rel, &j["relation"]);
        assert_eq!(e[3], j["weight"]);
    }
    // Laid out by silkgraph: x and y per node, finite, spread out (not one point).
    let xy: Vec<f64> = data["layout"]["xy"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(xy.len(), 2 * ids(&json).len());
    assert!(xy.iter().all(|v| v.is_finite()));
    let xs: std::collections::BTreeSet<i64> = xy.iter().step_by(2).map(|v| *v as i64).collect();
    assert!(xs.len() > ids(&json).len() / 4, "positions spread out");
    assert!(data["layout"]["iterations"].as_u64().unwrap() > 0);
    // Self-contained: no script, style or image is fetched from anywhere.
    for needle in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "@import",
        "<script src",
    ] {
        assert!(!html.contains(needle), "the page loads {needle}");
    }
}

#[test]
fn format_flag_and_stdout_give_the_same_page() {
    let dir = TempDir::new().unwrap();
    let file = read(&extract(dir.path(), "g.html", &[]));
    let named = read(&extract(dir.path(), "g.out", &["--format", "html"]));
    assert_eq!(file, named);
    let (stdout, _) = run_ok([
        "extract".as_ref(),
        seeds().as_os_str(),
        "-q".as_ref(),
        "--format".as_ref(),
        "html".as_ref(),
    ]);
    assert_eq!(String::from_utf8(stdout).unwrap(), file, "deterministic");
}

#[test]
fn diff_html_colours_the_union_graph() {
    let dir = TempDir::new().unwrap();
    let old = extract(dir.path(), "old.json", &["--relations", "typed"]);
    let new = extract(dir.path(), "new.json", &[]);
    let out = dir.path().join("d.html");
    let status = silkgraph()
        .args(["diff".as_ref(), old.as_os_str(), new.as_os_str()])
        .args(["--format", "html", "-o"])
        .arg(&out)
        .output()
        .unwrap()
        .status;
    assert_eq!(status.code(), Some(1), "the graphs differ");
    let data = page_data(&read(&out));
    assert_eq!(data["edge_keys"][0], "diff");
    let states: std::collections::BTreeSet<&str> = data["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[10]["values"][0].as_str().unwrap())
        .collect();
    // Co-occurrence edges are new; typed ones are in both.
    assert!(
        states.contains("added") && states.contains("same"),
        "{states:?}"
    );
    assert!(data["edges"][0][10]["color"]
        .as_str()
        .unwrap()
        .starts_with('#'));
}

/// Whether the browser test may be skipped.
fn browser_required() -> bool {
    std::env::var("SILKGRAPH_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

fn skip_or_fail(why: &str) {
    if browser_required() {
        panic!("SILKGRAPH_REQUIRE_BROWSER=1 but {why}");
    }
    eprintln!(
        "\n*** SKIPPED the browser test of the HTML view: {why}.\n*** Install chromium, \
         chromium-driver and `pip install selenium` (as .ci/run does) to run it.\n"
    );
}

#[test]
fn seed_page_works_in_headless_chromium() {
    for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
        if !Path::new(tool).exists() {
            skip_or_fail(&format!("{tool} is missing"));
            return;
        }
    }
    let selenium = StdCommand::new("python3")
        .args(["-c", "import selenium"])
        .status()
        .is_ok_and(|s| s.success());
    if !selenium {
        skip_or_fail("python3 cannot import selenium");
        return;
    }
    let dir = TempDir::new().unwrap();
    let json: Value = serde_json::from_str(&read(&extract(dir.path(), "g.json", &[]))).unwrap();
    let nodes = json["nodes"].as_array().unwrap().len().to_string();
    let page = extract(dir.path(), "g.html", &[]);
    let out = StdCommand::new("python3")
        .arg(repo().join("tests/browser/view_test.py"))
        .arg(&page)
        .args(["--expect-nodes", &nodes, "--search", "Islamabad", "--docs"])
        .arg(seeds())
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(3) {
        skip_or_fail(&format!("the browser did not start: {stderr}"));
        return;
    }
    assert!(
        out.status.success(),
        "browser test failed:\n{stdout}\n{stderr}"
    );
    println!("{stdout}");
}
