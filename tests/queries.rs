//! Command-line tests of the query commands: `silkgraph neighbors`, `diff`, `stats`,
//! `explain` and `unmatched`.

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use common::{require, run_ok, run_tool, seeds, shared, silkgraph, write, Tool};
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

/// `extract seeds -o DIR/seeds.json`: the JSON snapshot most tests query.
fn snapshot(dir: &Path) -> PathBuf {
    let out = dir.join("seeds.json");
    silkgraph()
        .arg("extract")
        .arg(seeds())
        .arg("-q")
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    out
}

/// Run silkgraph with `args`, assert exit 0 and return stdout as a string.
fn stdout_of(args: &[&OsStr]) -> String {
    let (stdout, _) = run_ok(args);
    String::from_utf8(stdout).expect("stdout is UTF-8")
}

/// Run silkgraph with `args`, assert exit 0 and parse stdout as JSON.
fn json_of(args: &[&OsStr]) -> Value {
    let (stdout, _) = run_ok(args);
    serde_json::from_slice(&stdout).expect("stdout is JSON")
}

/// Run silkgraph with `args` and return (exit code, stdout, stderr) whatever the outcome.
fn run_any(args: &[&OsStr]) -> (i32, String, String) {
    let out = silkgraph().args(args).output().expect("run silkgraph");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn os<S: AsRef<OsStr> + ?Sized>(s: &S) -> &OsStr {
    s.as_ref()
}

/// Copy every seed file into `dir` under `name(original file name)`, `copies` times each
/// (the copy index is passed to `name`). Files are written fresh: the seeds are read-only.
fn copy_seeds(dir: &Path, copies: usize, name: impl Fn(usize, usize, &str) -> String) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for (i, f) in files.iter().enumerate() {
        let bytes = std::fs::read(f).unwrap();
        let base = f.file_name().unwrap().to_str().unwrap();
        for c in 0..copies {
            write(dir, &name(i, c, base), &bytes);
        }
    }
}

/// The seed file whose name starts with `prefix`.
fn seed_file(prefix: &str) -> PathBuf {
    std::fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed file {prefix}*"))
}

/// Neighbor rows of the text view: (relation, arrow, rest of the line).
fn text_rows(out: &str) -> Vec<(String, String, String)> {
    out.lines()
        .skip(2)
        .filter(|l| !l.starts_with(' '))
        .map(|l| {
            let mut it = l.split_whitespace();
            let rel = it.next().unwrap().to_string();
            let arrow = it.next().unwrap().to_string();
            (rel, arrow, l.to_string())
        })
        .collect()
}

fn json_rows(v: &Value) -> &Vec<Value> {
    v["neighbors"].as_array().expect("neighbors array")
}

// ---------------------------------------------------------------------------- neighbors

#[test]
fn neighbors_on_snapshot_and_on_corpus_agree() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let from_snap = stdout_of(&[os("neighbors"), snap.as_os_str(), os("Pakistan")]);
    let from_corpus = stdout_of(&[os("neighbors"), seeds().as_os_str(), os("Pakistan")]);
    assert!(
        from_snap.starts_with("Pakistan (country, country:pakistan): "),
        "{from_snap}"
    );
    assert!(from_snap.lines().nth(1).unwrap().starts_with("relation"));
    assert!(text_rows(&from_snap).len() > 10, "{from_snap}");
    assert_eq!(from_snap, from_corpus);
}

#[test]
fn neighbors_resolves_aliases_and_case() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let header = |name: &str| {
        stdout_of(&[os("neighbors"), snap.as_os_str(), os(name)])
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    for name in [
        "Islamabad",
        "pakistan",
        "PAKISTAN",
        "country:pakistan",
        "  Pakistan ",
    ] {
        let h = header(name);
        assert!(
            h.starts_with("Pakistan (country, country:pakistan): "),
            "{name:?} resolved to: {h}"
        );
    }
}

#[test]
fn neighbors_unknown_entity_suggests_names() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    silkgraph()
        .arg("neighbors")
        .arg(&snap)
        .arg("Pakistn")
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("no entity \"Pakistn\""))
        .stderr(predicate::str::contains("did you mean"))
        .stderr(predicate::str::contains("Pakistan"));
    // Nothing close: no suggestions, still an error.
    silkgraph()
        .arg("neighbors")
        .arg(&snap)
        .arg("Qqqqqqqqqqqqqqqqqqqq")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no entity"))
        .stderr(predicate::str::contains("did you mean").not());
}

/// A custom gazetteer where two organizations share the ambiguous alias "Nordco".
const NORDCO_GAZETTEER: &str = r#"
[[entity]]
id = "country:borduria"
type = "country"
name = "Borduria"

[[entity]]
id = "organization:nordco-shipping"
type = "organization"
name = "Nordco Shipping"
names = [{ text = "Nordco", ambiguous = true, context = ["ferry"] }]

[[entity]]
id = "organization:nordco-arms"
type = "organization"
name = "Nordco Arms"
names = [{ text = "Nordco", ambiguous = true, context = ["rifles"] }]
"#;

#[test]
fn neighbors_ambiguous_name_lists_candidates_custom_gazetteer() {
    let tmp = TempDir::new().unwrap();
    let gaz = tmp.path().join("gaz");
    write(&gaz, "nordco.toml", NORDCO_GAZETTEER);
    let corpus = tmp.path().join("corpus");
    write(
        &corpus,
        "a.txt",
        "Nordco Shipping runs a ferry to Borduria.\nNordco Arms sold rifles to Borduria.\n",
    );
    let args = |name: &str| -> Vec<std::ffi::OsString> {
        vec![
            "neighbors".into(),
            corpus.clone().into(),
            name.into(),
            "--no-default-gazetteer".into(),
            "--gazetteer".into(),
            gaz.clone().into(),
        ]
    };
    silkgraph()
        .args(args("nordco"))
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("ambiguous"))
        .stderr(predicate::str::contains(
            "Nordco Arms (organization, organization:nordco-arms)",
        ))
        .stderr(predicate::str::contains(
            "Nordco Shipping (organization, organization:nordco-shipping)",
        ));
    // Asking by a full name or the id picks one.
    for (name, id) in [
        ("nordco arms", "organization:nordco-arms"),
        (
            "organization:nordco-shipping",
            "organization:nordco-shipping",
        ),
    ] {
        let (out, _) = run_ok(args(name));
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.lines().next().unwrap().contains(&format!(", {id}): ")),
            "{out}"
        );
    }
}

#[test]
fn neighbors_ambiguous_name_lists_candidates_default_gazetteer() {
    // "Georgia" names the country and the US state; both are in this corpus.
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("corpus");
    write(
        &corpus,
        "a.txt",
        "Georgia signed a transit deal with Azerbaijan.\nThe governor of Georgia spoke in Atlanta.\n",
    );
    silkgraph()
        .arg("neighbors")
        .arg(&corpus)
        .arg("Georgia")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\"Georgia\" is ambiguous"))
        .stderr(predicate::str::contains("country:georgia"))
        .stderr(predicate::str::contains("place:georgia-us"));
}

#[test]
fn neighbors_relation_filter_is_repeatable() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let all = stdout_of(&[os("neighbors"), snap.as_os_str(), os("Pakistan")]);
    let all_rels: BTreeSet<String> = text_rows(&all).into_iter().map(|r| r.0).collect();
    assert!(all_rels.contains("co_occurs_with") && all_rels.len() > 2);

    let one = stdout_of(&[
        os("neighbors"),
        snap.as_os_str(),
        os("Pakistan"),
        os("--relation"),
        os("supplies_arms_to"),
    ]);
    let rows = text_rows(&one);
    assert!(!rows.is_empty(), "{one}");
    assert!(rows.iter().all(|r| r.0 == "supplies_arms_to"), "{one}");

    let two = stdout_of(&[
        os("neighbors"),
        snap.as_os_str(),
        os("Pakistan"),
        os("--relation"),
        os("supplies_arms_to"),
        os("--relation"),
        os("acquires"),
    ]);
    let rels: BTreeSet<String> = text_rows(&two).into_iter().map(|r| r.0).collect();
    assert_eq!(
        rels,
        BTreeSet::from(["supplies_arms_to".to_string(), "acquires".to_string()]),
        "{two}"
    );
    assert!(text_rows(&two).len() > rows.len());
}

#[test]
fn neighbors_unknown_relation_is_an_error() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    silkgraph()
        .arg("neighbors")
        .arg(&snap)
        .arg("Pakistan")
        .args(["--relation", "sells_bananas_to"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "unknown relation \"sells_bananas_to\"",
        ))
        .stderr(predicate::str::contains("supplies_arms_to"));
}

#[test]
fn neighbors_unknown_type_is_an_error() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    silkgraph()
        .arg("neighbors")
        .arg(&snap)
        .arg("Pakistan")
        .args(["--type", "spaceship"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown type \"spaceship\""));
}

#[test]
fn neighbors_direction() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let rows = |dir: &str| {
        let out = stdout_of(&[
            os("neighbors"),
            snap.as_os_str(),
            os("Pakistan"),
            os("--direction"),
            os(dir),
        ]);
        text_rows(&out)
            .into_iter()
            .map(|r| r.1)
            .collect::<Vec<String>>()
    };
    let both = rows("both");
    let out = rows("out");
    let inn = rows("in");
    assert!(both.iter().any(|a| a == "->") && both.iter().any(|a| a == "<-"));
    assert!(!out.is_empty() && !out.iter().any(|a| a == "<-"), "{out:?}");
    assert!(out.iter().any(|a| a == "->"));
    assert!(!inn.is_empty() && !inn.iter().any(|a| a == "->"), "{inn:?}");
    assert!(inn.iter().any(|a| a == "<-"));
    // Symmetric edges show in both directions; together out and in cover `both`.
    let sym = both.iter().filter(|a| *a == "--").count();
    assert_eq!(out.iter().filter(|a| *a == "--").count(), sym);
    assert_eq!(inn.iter().filter(|a| *a == "--").count(), sym);
    assert_eq!(out.len() + inn.len() - sym, both.len());
    silkgraph()
        .arg("neighbors")
        .arg(&snap)
        .arg("Pakistan")
        .args(["--direction", "sideways"])
        .assert()
        .code(2);
}

#[test]
fn neighbors_depth_two_goes_via_neighbors() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let base = [
        os("neighbors"),
        snap.as_os_str(),
        os("Pakistan"),
        os("--relation"),
        os("supplies_arms_to"),
    ];
    let d1 = stdout_of(&base);
    let mut args = base.to_vec();
    args.extend([os("--depth"), os("2")]);
    let d2 = stdout_of(&args);
    let (r1, r2) = (text_rows(&d1), text_rows(&d2));
    assert!(r2.len() > r1.len(), "depth 2:\n{d2}\ndepth 1:\n{d1}");
    assert!(!d1.contains("via "), "{d1}");
    assert!(r2.iter().any(|r| r.2.contains("via ")), "{d2}");
    // The depth-1 rows come first, unchanged.
    assert_eq!(&r2[..r1.len()], &r1[..]);

    args.extend([os("--format"), os("json")]);
    let v = json_of(&args);
    let rows = json_rows(&v);
    assert!(rows.iter().any(|r| r["depth"] == 2));
    for r in rows {
        let depth = r["depth"].as_u64().unwrap() as usize;
        let path = r["path"].as_array().unwrap();
        assert_eq!(path.len(), depth, "{r}");
        assert_eq!(path[0]["from"], "country:pakistan");
        assert_eq!(path[depth - 1]["to"], r["neighbor"]);
    }
}

#[test]
fn neighbors_min_weight_drops_lighter_rows() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let weights = |w: &str| -> Vec<u64> {
        let v = json_of(&[
            os("neighbors"),
            snap.as_os_str(),
            os("Pakistan"),
            os("--min-weight"),
            os(w),
            os("--format"),
            os("json"),
        ]);
        json_rows(&v)
            .iter()
            .map(|r| r["weight"].as_u64().unwrap())
            .collect()
    };
    let all = weights("1");
    let heavy = weights("5");
    assert!(all.iter().any(|w| *w < 5));
    assert!(!heavy.is_empty());
    assert!(heavy.iter().all(|w| *w >= 5), "{heavy:?}");
    assert_eq!(heavy.len(), all.iter().filter(|w| **w >= 5).count());
    // The text view agrees.
    let out = stdout_of(&[
        os("neighbors"),
        snap.as_os_str(),
        os("Pakistan"),
        os("--min-weight"),
        os("5"),
    ]);
    assert_eq!(text_rows(&out).len(), heavy.len());
    assert!(out
        .lines()
        .next()
        .unwrap()
        .ends_with(&format!(": {} neighbor rows", heavy.len())));
}

#[test]
fn neighbors_type_filter() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let types = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            os("neighbors"),
            snap.as_os_str(),
            os("Pakistan"),
            os("--format"),
            os("json"),
        ];
        args.extend(extra.iter().map(os));
        json_rows(&json_of(&args))
            .iter()
            .map(|r| r["type"].as_str().unwrap().to_string())
            .collect()
    };
    let weapons = types(&["--type", "weapon"]);
    assert!(!weapons.is_empty());
    assert!(weapons.iter().all(|t| t == "weapon"), "{weapons:?}");
    let two = types(&["--type", "weapon", "--type", "organization"]);
    assert!(two.iter().any(|t| t == "organization"));
    assert!(two.iter().all(|t| t == "weapon" || t == "organization"));
    let text = stdout_of(&[
        os("neighbors"),
        snap.as_os_str(),
        os("Pakistan"),
        os("--type"),
        os("weapon"),
    ]);
    assert!(text_rows(&text).iter().all(|r| r.2.contains(" weapon ")));
}

#[test]
fn neighbors_evidence_prints_sentences() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let args = [
        os("neighbors"),
        snap.as_os_str(),
        os("Pakistan"),
        os("--relation"),
        os("supplies_arms_to"),
    ];
    let plain = stdout_of(&args);
    assert!(!plain.lines().any(|l| l.starts_with("      ")), "{plain}");
    let mut a = args.to_vec();
    a.push(os("--evidence"));
    let out = stdout_of(&a);
    let evidence: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("      "))
        .map(str::trim)
        .collect();
    assert!(!evidence.is_empty(), "{out}");
    for e in &evidence {
        assert!(
            is_evidence_line(e),
            "evidence line not `doc#idx: text`: {e:?}"
        );
    }
    // Every row is followed by at least one sentence.
    let lines: Vec<&str> = out.lines().skip(2).collect();
    for (i, l) in lines.iter().enumerate() {
        if !l.starts_with(' ') {
            assert!(
                lines.get(i + 1).is_some_and(|n| n.starts_with("      ")),
                "row without evidence: {l}"
            );
        }
    }
    assert!(evidence.iter().any(|e| e.contains("JF-17")), "{evidence:?}");
}

/// The shape of an evidence line of the seeds: `NNN_<16 hex digits>.txt#N: text`.
fn is_evidence_line(s: &str) -> bool {
    {
        let Some((doc, rest)) = s.split_once('#') else {
            return false;
        };
        let Some((idx, text)) = rest.split_once(": ") else {
            return false;
        };
        let Some(stem) = doc.strip_suffix(".txt") else {
            return false;
        };
        let Some((num, hash)) = stem.split_once('_') else {
            return false;
        };
        num.len() == 3
            && num.chars().all(|c| c.is_ascii_digit())
            && hash.len() == 16
            && hash.chars().all(|c| c.is_ascii_hexdigit())
            && !idx.is_empty()
            && idx.chars().all(|c| c.is_ascii_digit())
            && !text.trim().is_empty()
    }
}

#[test]
fn neighbors_json_format() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let v = json_of(&[
        os("neighbors"),
        snap.as_os_str(),
        os("islamabad"),
        os("--format"),
        os("json"),
    ]);
    assert_eq!(v["entity"]["id"], "country:pakistan");
    assert_eq!(v["entity"]["label"], "Pakistan");
    assert_eq!(v["entity"]["type"], "country");
    let rows = json_rows(&v);
    assert!(rows.len() > 10);
    for r in rows {
        assert!(r["relation"].is_string(), "{r}");
        assert!(["->", "<-", "--"].contains(&r["arrow"].as_str().unwrap()));
        assert!(r["weight"].as_u64().unwrap() >= 1);
        assert!(r["neighbor"].is_string() && r["label"].is_string() && r["type"].is_string());
        let path = r["path"].as_array().unwrap();
        assert_eq!(path.len(), 1);
        assert_eq!(path[0]["relation"], r["relation"]);
        assert_eq!(path[0]["arrow"], r["arrow"]);
        let ev = r["evidence"].as_array().unwrap();
        assert!(!ev.is_empty(), "{r}");
        // Weight counts distinct supporting sentences: never more than the evidence, kept
        // and omitted (past --max-evidence).
        let omitted = r.get("evidence_omitted").map_or(0, |n| n.as_u64().unwrap());
        assert!(
            r["weight"].as_u64().unwrap() <= ev.len() as u64 + omitted,
            "{r}"
        );
        for e in ev {
            assert!(e["doc"].is_string() && e["sentence"].is_u64(), "{e}");
        }
    }
    // Typed rows carry their attributes.
    let sat = rows
        .iter()
        .find(|r| r["relation"] == "supplies_arms_to" && r["arrow"] == "->")
        .expect("Pakistan supplies arms to someone");
    assert!(sat["weapons"].is_array() && sat["status"].is_string());
}

// --------------------------------------------------------------------------------- diff

/// `diff OLD NEW --format json`: (exit code, report).
fn diff_json(old: &Path, new: &Path) -> (i32, Value) {
    let (code, stdout, stderr) = run_any(&[
        os("diff"),
        old.as_os_str(),
        new.as_os_str(),
        os("--format"),
        os("json"),
    ]);
    assert!(code == 0 || code == 1, "diff failed ({code}): {stderr}");
    (code, serde_json::from_str(&stdout).expect("diff JSON"))
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().expect("array")
}

/// The edges of a diff report whose weight changed, and the edges added or removed.
fn weight_changes(d: &Value) -> Vec<String> {
    let mut out: Vec<String> = arr(&d["edges_changed"])
        .iter()
        .filter(|e| e["weight_old"] != e["weight_new"])
        .map(|e| format!("~ {e}"))
        .collect();
    out.extend(arr(&d["edges_added"]).iter().map(|e| format!("+ {e}")));
    out.extend(arr(&d["edges_removed"]).iter().map(|e| format!("- {e}")));
    out
}

#[test]
fn diff_snapshot_with_itself_is_equal() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    silkgraph()
        .arg("diff")
        .arg(&snap)
        .arg(&snap)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("graphs are equal"))
        .stdout(predicate::str::contains("nodes: +0 -0 ~0 ="));
    // A snapshot and the corpus it came from are equal too.
    silkgraph()
        .arg("diff")
        .arg(&snap)
        .arg(seeds())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("graphs are equal"));
}

/// Seeds without 004_*: a snapshot of it in `dir`.
fn seeds_minus_one(dir: &Path) -> PathBuf {
    let c = dir.join("minus");
    copy_seeds(&c, 1, |_, _, base| base.to_string());
    let victim = seed_file("004_");
    std::fs::remove_file(c.join(victim.file_name().unwrap())).unwrap();
    c
}

#[test]
fn diff_with_a_file_removed_reports_removed_edges() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let minus = seeds_minus_one(tmp.path());
    let (code, out, _) = run_any(&[
        os("diff"),
        snap.as_os_str(),
        minus.as_os_str(),
        os("--color"),
        os("never"),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("graphs are equal"));
    assert!(
        out.lines()
            .any(|l| l.starts_with("- ") && l.contains("(weight ")),
        "no removed edge line:\n{out}"
    );
    assert!(out.contains("\nco_occurs_with\n"), "{out}");
    assert!(out.contains("neighbors gained and lost"), "{out}");

    let (code, d) = diff_json(&snap, &minus);
    assert_eq!(code, 1);
    assert_eq!(d["schema_version"], 1);
    let removed = d["edges"]["removed"].as_u64().unwrap();
    assert!(removed > 0);
    assert_eq!(removed as usize, arr(&d["edges_removed"]).len());
    assert_eq!(d["edges"]["added"], 0);
    assert_eq!(d["nodes"]["added"], 0);
    assert_eq!(
        d["nodes"]["removed"].as_u64().unwrap() as usize,
        arr(&d["nodes_removed"]).len()
    );
    // Per-relation counts add up to the totals.
    for field in ["added", "removed", "changed", "same"] {
        let sum: u64 = d["edges_by_relation"]
            .as_object()
            .unwrap()
            .values()
            .map(|c| c[field].as_u64().unwrap())
            .sum();
        assert_eq!(sum, d["edges"][field].as_u64().unwrap(), "{field}");
    }
    // Reversed: the same edges are added.
    let (code, back) = diff_json(&minus, &snap);
    assert_eq!(code, 1);
    assert_eq!(back["edges"]["added"].as_u64().unwrap(), removed);
    assert_eq!(back["edges"]["removed"], 0);
}

#[test]
fn diff_article_appended_twice_keeps_weights() {
    let tmp = TempDir::new().unwrap();
    let c = tmp.path().join("appended");
    copy_seeds(&c, 1, |_, _, base| base.to_string());
    let article = std::fs::read_to_string(seed_file("002_")).unwrap();
    let host = c.join(seed_file("000_").file_name().unwrap());
    let mut text = std::fs::read_to_string(&host).unwrap();
    text.push_str("\n\n");
    text.push_str(&article);
    text.push_str("\n\n");
    text.push_str(&article);
    std::fs::write(&host, text).unwrap();
    let (_code, d) = diff_json(&seeds(), &c);
    assert_eq!(weight_changes(&d), Vec::<String>::new());
    assert_eq!(d["edges"]["added"], 0);
    assert_eq!(d["edges"]["removed"], 0);
    assert_eq!(d["nodes"]["added"], 0);
    assert_eq!(d["nodes"]["removed"], 0);
    // Mentions count distinct sentences: the copies add none (only `documents` may grow,
    // as the article's entities now also occur in 000_*).
    for n in arr(&d["nodes_changed"]) {
        for ch in arr(&n["changes"]) {
            assert_eq!(ch["field"], "documents", "{n}");
        }
    }
}

#[test]
fn diff_reordered_corpus_is_equal() {
    let tmp = TempDir::new().unwrap();
    let c = tmp.path().join("reordered");
    // 000_* becomes 9_000_*, 004_* becomes 5_004_*: the files sort in reverse.
    copy_seeds(&c, 1, |i, _, base| format!("{}_{base}", 9 - i));
    let (code, d) = diff_json(&seeds(), &c);
    assert_eq!(weight_changes(&d), Vec::<String>::new());
    assert_eq!(code, 0, "{d}");
    silkgraph()
        .arg("diff")
        .arg(seeds())
        .arg(&c)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("graphs are equal"));
}

#[test]
fn diff_duplicated_corpus_is_equal() {
    let tmp = TempDir::new().unwrap();
    let c = tmp.path().join("twice");
    copy_seeds(&c, 2, |_, k, base| format!("copy{k}_{base}"));
    assert_eq!(std::fs::read_dir(&c).unwrap().count(), 10);
    let (code, d) = diff_json(&seeds(), &c);
    assert_eq!(weight_changes(&d), Vec::<String>::new());
    assert_eq!(code, 0, "{d}");
    silkgraph()
        .arg("diff")
        .arg(seeds())
        .arg(&c)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("graphs are equal"));
}

#[test]
fn diff_json_has_schema_and_counts() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let (code, d) = diff_json(&snap, &snap);
    assert_eq!(code, 0);
    assert_eq!(d["schema_version"], 1);
    assert!(d["old"].is_string() && d["new"].is_string());
    for k in ["nodes", "edges"] {
        for f in ["added", "removed", "changed", "same"] {
            assert!(d[k][f].is_u64(), "{k}.{f}");
        }
    }
    assert!(d["nodes"]["same"].as_u64().unwrap() > 100);
    assert!(d["edges"]["same"].as_u64().unwrap() > 100);
    assert!(
        d["edges_by_relation"]["supplies_arms_to"]["same"]
            .as_u64()
            .unwrap()
            > 0
    );
    for k in [
        "nodes_added",
        "nodes_removed",
        "nodes_changed",
        "edges_added",
        "edges_removed",
        "edges_changed",
        "neighbors",
    ] {
        assert_eq!(arr(&d[k]).len(), 0, "{k}");
    }
    // -o writes the report to the file, nothing on stdout.
    let out = tmp.path().join("d.json");
    silkgraph()
        .arg("diff")
        .arg(&snap)
        .arg(&snap)
        .args(["--format", "json", "-o"])
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty());
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["schema_version"], 1);
}

/// The values of the `diff` data/attvalue of each `<node` and `<edge` element in an XML
/// export: `(nodes, edges)`, one entry per element (None when the element has none).
fn diff_values(
    xml: &str,
    node_attr: &str,
    edge_attr: &str,
) -> (Vec<Option<String>>, Vec<Option<String>>) {
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for (tag, close, attr, list) in [
        ("<node ", "</node>", node_attr, &mut nodes),
        ("<edge ", "</edge>", edge_attr, &mut edges),
    ] {
        let mut rest = xml;
        while let Some(i) = rest.find(tag) {
            let body = &rest[i..];
            let end = body
                .find(close)
                .map(|j| j + close.len())
                .unwrap_or(body.len());
            let element = &body[..end];
            let value = element.find(attr).map(|k| {
                let after = &element[k + attr.len()..];
                let stop = after.find(['<', '"']).unwrap();
                after[..stop].to_string()
            });
            list.push(value);
            rest = &body[end..];
        }
    }
    (nodes, edges)
}

const DIFF_STATES: [&str; 4] = ["added", "removed", "changed", "same"];

/// A pair of corpora with every kind of difference: seeds minus 004_* (old) vs seeds minus
/// 003_* plus one new sentence (new).
fn mixed_pair(dir: &Path) -> (PathBuf, PathBuf) {
    let old = seeds_minus_one(dir);
    let new = dir.join("new");
    copy_seeds(&new, 1, |_, _, base| base.to_string());
    std::fs::remove_file(new.join(seed_file("003_").file_name().unwrap())).unwrap();
    write(
        &new,
        "extra.txt",
        "Borduria is not a real country, but Mongolia signed a rail deal with Kyrgyzstan in 2025.\n",
    );
    (old, new)
}

#[test]
fn diff_graphml_union_validates_and_marks_every_element() {
    if !require(
        "diff_graphml_union_validates_and_marks_every_element",
        &[Tool::Xmllint, Tool::Shared],
    ) {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let (old, new) = mixed_pair(tmp.path());
    let out = tmp.path().join("u.graphml");
    silkgraph()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .args(["--format", "graphml", "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    let xsd = shared().join("formats/graphml/graphml-gephi.xsd");
    run_tool(
        "xmllint",
        &[
            os("--noout"),
            os("--schema"),
            xsd.as_os_str(),
            out.as_os_str(),
        ],
    );
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains(r#"attr.name="diff""#));
    let (nodes, edges) = diff_values(&xml, r#"<data key="n_diff">"#, r#"<data key="e_diff">"#);
    assert!(!nodes.is_empty() && !edges.is_empty());
    let mut seen = BTreeSet::new();
    for v in nodes.iter().chain(&edges) {
        let v = v.as_deref().expect("an element without a diff value");
        assert!(DIFF_STATES.contains(&v), "{v}");
        seen.insert(v.to_string());
    }
    assert_eq!(seen.len(), 4, "expected all four states: {seen:?}");
    // The union holds every node of both graphs.
    let (_, d) = diff_json(&old, &new);
    let n = &d["nodes"];
    let total: u64 = DIFF_STATES.iter().map(|s| n[*s].as_u64().unwrap()).sum();
    assert_eq!(nodes.len() as u64, total);
}

fn xmllint_gexf(file: &Path) {
    let rng = shared().join("formats/gexf-1.3/gexf.rng");
    run_tool(
        "xmllint",
        &[
            os("--noout"),
            os("--relaxng"),
            rng.as_os_str(),
            file.as_os_str(),
        ],
    );
}

#[test]
fn diff_gexf_static_and_dynamic_validate() {
    if !require(
        "diff_gexf_static_and_dynamic_validate",
        &[Tool::Xmllint, Tool::Shared],
    ) {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let (old, new) = mixed_pair(tmp.path());
    for (format, dynamic) in [("gexf", false), ("gexf-dynamic", true)] {
        let out = tmp.path().join(format!("{format}.gexf"));
        silkgraph()
            .arg("diff")
            .arg(&old)
            .arg(&new)
            .args(["--format", format, "-o"])
            .arg(&out)
            .assert()
            .code(1);
        xmllint_gexf(&out);
        let xml = std::fs::read_to_string(&out).unwrap();
        assert!(xml.contains(r#"<attribute id="diff" title="diff" type="string"/>"#));
        let (_, edges) = diff_values(
            &xml,
            r#"<attvalue for="diff" value=""#,
            r#"<attvalue for="diff" value=""#,
        );
        assert!(!edges.is_empty());
        for v in &edges {
            let v = v.as_deref().expect("an edge without a diff value");
            assert!(DIFF_STATES.contains(&v), "{v}");
        }
        if dynamic {
            assert!(xml.contains(r#"mode="dynamic""#), "{format}");
            assert!(xml.contains(r#"timeformat="integer""#));
            // Every edge has an interval: removed ones live at t=1, added ones at t=2.
            let edge_lines: Vec<&str> = xml
                .lines()
                .filter(|l| l.trim_start().starts_with("<edge "))
                .collect();
            assert!(edge_lines
                .iter()
                .all(|l| l.contains(" start=\"") && l.contains(" end=\"")));
            assert!(edge_lines
                .iter()
                .any(|l| l.contains(r#"start="1" end="1""#)));
            assert!(edge_lines
                .iter()
                .any(|l| l.contains(r#"start="2" end="2""#)));
            assert!(edge_lines
                .iter()
                .any(|l| l.contains(r#"start="1" end="2""#)));
        } else {
            assert!(xml.contains(r#"mode="static""#), "{format}");
        }
    }
}

#[test]
fn diff_static_gexf_has_no_intervals() {
    let tmp = TempDir::new().unwrap();
    let (old, new) = mixed_pair(tmp.path());
    let (code, xml, _) = run_any(&[
        os("diff"),
        old.as_os_str(),
        new.as_os_str(),
        os("--format"),
        os("gexf"),
    ]);
    assert_eq!(code, 1);
    assert!(xml.contains(r#"mode="static""#));
    let timed: Vec<&str> = xml
        .lines()
        .filter(|l| l.contains(" start=\"") || l.contains(" end=\""))
        .take(3)
        .collect();
    assert!(timed.is_empty(), "{timed:#?}");
}

#[test]
fn diff_gexf_marks_every_node() {
    if !require("diff_gexf_marks_every_node", &[Tool::Xmllint, Tool::Shared]) {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let (old, new) = mixed_pair(tmp.path());
    for format in ["gexf", "gexf-dynamic"] {
        let out = tmp.path().join(format!("{format}.gexf"));
        silkgraph()
            .arg("diff")
            .arg(&old)
            .arg(&new)
            .args(["--format", format, "-o"])
            .arg(&out)
            .assert()
            .code(1);
        xmllint_gexf(&out);
        let xml = std::fs::read_to_string(&out).unwrap();
        let (nodes, _) = diff_values(
            &xml,
            r#"<attvalue for="diff" value=""#,
            r#"<attvalue for="diff" value=""#,
        );
        assert!(!nodes.is_empty());
        for v in &nodes {
            let v = v
                .as_deref()
                .unwrap_or_else(|| panic!("{format}: a node without a diff value"));
            assert!(DIFF_STATES.contains(&v), "{v}");
        }
        if format == "gexf-dynamic" {
            // A removed node lives at t=1 only, an added one at t=2 only.
            for l in xml.lines().filter(|l| l.trim_start().starts_with("<node ")) {
                assert!(l.contains(" start=\"") && l.contains(" end=\""), "{l}");
            }
        }
    }
}

#[test]
fn diff_color_choice() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let minus = seeds_minus_one(tmp.path());
    let run = |extra: &[&str]| {
        let mut args = vec![os("diff"), snap.as_os_str(), minus.as_os_str()];
        args.extend(extra.iter().map(os));
        let (code, out, _) = run_any(&args);
        assert_eq!(code, 1);
        out
    };
    let always = run(&["--color", "always"]);
    assert!(always.contains("\x1b[1m"), "no bold escape");
    assert!(always.contains("\x1b[31m- "), "no red removal");
    assert!(always.contains("\x1b[0m"));
    for extra in [&["--color", "never"][..], &["--color", "auto"], &[]] {
        // Piped (not a terminal): auto means no colour.
        let out = run(extra);
        assert!(!out.contains('\x1b'), "{extra:?} emitted escapes");
    }
    // Same report apart from the escapes.
    let stripped = strip_ansi(&always);
    assert_eq!(stripped, run(&["--color", "never"]));
    // -o never colours under auto.
    let out = tmp.path().join("d.txt");
    silkgraph()
        .arg("diff")
        .arg(&snap)
        .arg(&minus)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1);
    assert!(!std::fs::read_to_string(&out).unwrap().contains('\x1b'));
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn diff_typed_only_omits_co_occurrence_details() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let minus = seeds_minus_one(tmp.path());
    let (code, full, _) = run_any(&[os("diff"), snap.as_os_str(), minus.as_os_str()]);
    assert_eq!(code, 1);
    let (code, typed, _) = run_any(&[
        os("diff"),
        snap.as_os_str(),
        minus.as_os_str(),
        os("--typed-only"),
    ]);
    assert_eq!(code, 1, "the typed changes count");
    assert!(full.lines().any(|l| l == "co_occurs_with"), "{full}");
    assert!(!typed.lines().any(|l| l == "co_occurs_with"), "{typed}");
    // The summary leaves them out too (issue 12: `--typed-only` counts no co-occurrence).
    assert!(full.contains("  co_occurs_with "));
    assert!(!typed.contains("co_occurs_with"), "{typed}");
    assert!(typed.lines().count() < full.lines().count());
    // The typed sections are unchanged.
    for rel in ["corridor_via", "member_of", "conflict_with"] {
        assert_eq!(
            full.lines().any(|l| l == rel),
            typed.lines().any(|l| l == rel),
            "{rel}"
        );
    }
}

#[test]
fn diff_broken_snapshot_is_an_error_naming_the_file() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let bad = write(tmp.path(), "x.json", r#"{"nodes": 3}"#);
    for (old, new) in [(&bad, &snap), (&snap, &bad)] {
        silkgraph()
            .arg("diff")
            .arg(old)
            .arg(new)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains("x.json"))
            .stderr(predicate::str::contains("snapshot"));
    }
}

#[test]
fn diff_missing_path_is_an_error() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let missing = tmp.path().join("no-such-graph.json");
    silkgraph()
        .arg("diff")
        .arg(&snap)
        .arg(&missing)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-graph.json"));
    silkgraph()
        .arg("diff")
        .arg(tmp.path().join("no-such-dir"))
        .arg(&snap)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-dir"));
    // neighbors and stats fail the same way.
    silkgraph()
        .arg("neighbors")
        .arg(&missing)
        .arg("Pakistan")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-graph.json"));
    silkgraph()
        .arg("stats")
        .arg(&missing)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-graph.json"));
}

#[cfg(unix)]
#[test]
fn diff_output_file_honours_umask() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let reference = write(tmp.path(), "reference.txt", "x");
    let out = tmp.path().join("d.json");
    silkgraph()
        .arg("diff")
        .arg(&snap)
        .arg(&snap)
        .args(["--format", "json", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&out), mode(&reference), "{:o}", mode(&out));
}

// -------------------------------------------------------------------------------- stats

#[test]
fn stats_text() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let out = stdout_of(&[os("stats"), snap.as_os_str()]);
    assert!(out.starts_with("5 documents, "), "{out}");
    for section in [
        "nodes by type",
        "edges by relation",
        "top actors by weighted degree",
        "strongest typed edges",
    ] {
        assert!(out.lines().any(|l| l == section), "{section}:\n{out}");
    }
    assert!(out.contains("  Pakistan "));
    assert!(out.contains("[supplies_arms_to]") || out.contains("[cooperates_with]"));
    // A corpus path gives the same summary.
    assert_eq!(out, stdout_of(&[os("stats"), seeds().as_os_str()]));
}

#[test]
fn stats_json() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let v = json_of(&[os("stats"), snap.as_os_str(), os("--format"), os("json")]);
    assert_eq!(v["documents"], 5);
    let nodes = v["nodes"].as_u64().unwrap();
    let edges = v["edges"].as_u64().unwrap();
    let by_type: u64 = v["nodes_by_type"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    let by_rel: u64 = v["edges_by_relation"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(by_type, nodes);
    assert_eq!(by_rel, edges);
    assert!(v["nodes_by_type"]["country"].as_u64().unwrap() > 0);
    assert!(v["edges_by_relation"]["co_occurs_with"].as_u64().unwrap() > 0);
    let actors = arr(&v["top_actors"]);
    assert_eq!(actors.len(), 10, "default --top is 10");
    for a in actors {
        assert!(["country", "organization"].contains(&a["type"].as_str().unwrap()));
        assert!(a["weighted_degree"].is_u64() && a["typed_edges"].is_u64());
    }
    let degrees: Vec<u64> = actors
        .iter()
        .map(|a| a["weighted_degree"].as_u64().unwrap())
        .collect();
    assert!(degrees.windows(2).all(|w| w[0] >= w[1]), "{degrees:?}");
    let strongest = arr(&v["strongest_typed_edges"]);
    assert_eq!(strongest.len(), 10);
    assert!(strongest.iter().all(|e| e["relation"] != "co_occurs_with"));
    let weights: Vec<u64> = strongest
        .iter()
        .map(|e| e["weight"].as_u64().unwrap())
        .collect();
    assert!(weights.windows(2).all(|w| w[0] >= w[1]), "{weights:?}");
}

#[test]
fn stats_top_limits_lists() {
    let tmp = TempDir::new().unwrap();
    let snap = snapshot(tmp.path());
    let v = json_of(&[
        os("stats"),
        snap.as_os_str(),
        os("--top"),
        os("3"),
        os("--format"),
        os("json"),
    ]);
    assert_eq!(arr(&v["top_actors"]).len(), 3);
    assert_eq!(arr(&v["strongest_typed_edges"]).len(), 3);
    assert_eq!(v["top_actors"][0]["id"], "country:pakistan");
    let out = stdout_of(&[os("stats"), snap.as_os_str(), os("--top"), os("3")]);
    let section = |title: &str| -> usize {
        out.lines()
            .skip_while(|l| *l != title)
            .skip(1)
            .take_while(|l| !l.is_empty())
            .count()
    };
    // The actors table has a header line.
    assert_eq!(section("top actors by weighted degree"), 4, "{out}");
    assert_eq!(section("strongest typed edges"), 3, "{out}");
}

// ------------------------------------------------------------------------------ explain

const TRANSFER: &str = "China delivered HQ-17AE air defence systems to Tajikistan in 2024.";

#[test]
fn explain_text_view() {
    let out = stdout_of(&[os("explain"), os(TRANSFER)]);
    assert!(out.starts_with("sentence 0: China delivered"), "{out}");
    for section in ["  mentions:", "  cues:", "  relations:"] {
        assert!(out.lines().any(|l| l == section), "{section}:\n{out}");
    }
    assert!(out.contains("country:china") && out.contains("country:tajikistan"));
    assert!(out.contains("weapon:hq-17ae"));
    assert!(out.contains("\"delivered\""), "the cue:\n{out}");
    let line = out
        .lines()
        .find(|l| l.contains("supplies_arms_to"))
        .unwrap_or_else(|| panic!("no supplies_arms_to line:\n{out}"));
    assert!(
        line.contains("China -> supplies_arms_to Tajikistan"),
        "{line}"
    );
    assert!(line.contains("[rule: "), "{line}");
    assert!(line.contains("status=delivered") && line.contains("years=2024"));
    // A sentence without relations says so.
    let none = stdout_of(&[os("explain"), os("The weather was pleasant.")]);
    assert!(none.contains("    (none)"), "{none}");
}

#[test]
fn explain_json() {
    let v = json_of(&[os("explain"), os(TRANSFER), os("--json")]);
    let sentences = arr(&v);
    assert_eq!(sentences.len(), 1);
    let s = &sentences[0];
    assert_eq!(s["text"], TRANSFER);
    let mentions: Vec<&str> = arr(&s["mentions"])
        .iter()
        .map(|m| m["entity"].as_str().unwrap())
        .collect();
    assert!(mentions.contains(&"country:china") && mentions.contains(&"weapon:hq-17ae"));
    assert!(arr(&s["cues"]).iter().any(|c| c["text"] == "delivered"));
    let rel = arr(&s["relations"])
        .iter()
        .find(|r| r["relation"] == "supplies_arms_to")
        .expect("a supplies_arms_to relation");
    assert_eq!(rel["source"], "country:china");
    assert_eq!(rel["target"], "country:tajikistan");
    assert!(rel["rule"].as_str().is_some_and(|r| !r.is_empty()));
    assert_eq!(rel["weapons"][0], "HQ-17AE");
}

#[test]
fn explain_file() {
    let tmp = TempDir::new().unwrap();
    let f = write(
        tmp.path(),
        "s.txt",
        format!("{TRANSFER}\nPakistan and India clashed in May.\n"),
    );
    let from_file = stdout_of(&[os("explain"), os("--file"), f.as_os_str()]);
    assert!(from_file.contains("supplies_arms_to"));
    assert!(
        from_file.contains("sentence 1: Pakistan and India"),
        "{from_file}"
    );
    let v = json_of(&[os("explain"), os("--file"), f.as_os_str(), os("--json")]);
    assert_eq!(arr(&v).len(), 2);
    // A missing file is an error naming it.
    silkgraph()
        .args(["explain", "--file"])
        .arg(tmp.path().join("missing.txt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.txt"));
}

#[test]
fn explain_needs_text_or_file() {
    silkgraph()
        .arg("explain")
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("required"));
    // Both at once conflict.
    let tmp = TempDir::new().unwrap();
    let f = write(tmp.path(), "s.txt", TRANSFER);
    silkgraph()
        .arg("explain")
        .arg(TRANSFER)
        .arg("--file")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn explain_year_opener_keeps_the_supplier() {
    for t in [
        "In 2024 China delivered HQ-17AE systems to Tajikistan.",
        "In 2023 Russia supplied weapons to Armenia.",
    ] {
        let out = stdout_of(&[os("explain"), os(t)]);
        assert!(
            out.lines().any(|l| l.contains(" -> supplies_arms_to ")),
            "{t}\n{out}"
        );
    }
}

#[test]
fn explain_month_may_is_not_a_modal() {
    let out = stdout_of(&[
        os("explain"),
        os("In May 2024 Pakistan sold JF-17 jets to Azerbaijan."),
    ]);
    assert!(!out.contains("hypothetical"), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("supplies_arms_to"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("status=delivered"), "{line}");
}

// ---------------------------------------------------------------------------- unmatched

/// A corpus with an unknown designation (once, with no weapon noun after it, which would
/// let the pattern recogniser find it), an unknown organization (twice) and a known variant
/// ("Su-57E", tagged as the Su-57: never listed).
fn unmatched_corpus(dir: &Path) -> PathBuf {
    let c = dir.join("um");
    write(
        &c,
        "a.txt",
        "Kazakhstan is considering the Qz-77M programme.\n\
         Zorvania Defence Works signed a contract with Kazakhstan.\n\
         Officials said Zorvania Defence Works would open a plant in Almaty.\n\
         Russia offered the Su-57E to Algeria.\n",
    );
    c
}

fn unmatched_json(c: &Path, extra: &[&str]) -> Vec<(String, String, u64)> {
    let mut args = vec![os("unmatched"), c.as_os_str(), os("--format"), os("json")];
    args.extend(extra.iter().map(os));
    arr(&json_of(&args))
        .iter()
        .map(|r| {
            (
                r["phrase"].as_str().unwrap().to_string(),
                r["kind"].as_str().unwrap().to_string(),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn unmatched_lists_names_and_designations_with_counts() {
    let tmp = TempDir::new().unwrap();
    let c = unmatched_corpus(tmp.path());
    let out = stdout_of(&[os("unmatched"), c.as_os_str()]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains("count") && lines[0].contains("phrase"));
    let row = |phrase: &str| {
        lines
            .iter()
            .find(|l| l.contains(phrase))
            .unwrap_or_else(|| panic!("{phrase} not listed:\n{out}"))
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(row("Zorvania Defence Works"), "2 name");
    assert_eq!(row("Qz-77M"), "1 designation");
    // Most frequent first; tagged phrases never appear.
    assert!(lines[1].contains("Zorvania Defence Works"), "{out}");
    for tagged in ["Su-57", "Kazakhstan ", "Almaty", "Russia", "Algeria"] {
        assert!(
            !lines[1..]
                .iter()
                .any(|l| l.split("  ").any(|cell| cell.trim() == tagged.trim())),
            "{tagged} listed:\n{out}"
        );
    }
    assert!(
        out.contains("a.txt#1: Zorvania Defence Works signed"),
        "{out}"
    );
    let v = unmatched_json(&c, &[]);
    assert!(v.contains(&("Zorvania Defence Works".into(), "name".into(), 2)));
    assert!(v.contains(&("Qz-77M".into(), "designation".into(), 1)));
    assert!(!v.iter().any(|(p, _, _)| p.starts_with("Su-57")), "{v:?}");
}

#[test]
fn unmatched_filters() {
    let tmp = TempDir::new().unwrap();
    let c = unmatched_corpus(tmp.path());
    let designations = unmatched_json(&c, &["--kind", "designation"]);
    assert!(!designations.is_empty());
    assert!(designations.iter().all(|r| r.1 == "designation"));
    assert!(designations.iter().any(|r| r.0 == "Qz-77M"));
    let names = unmatched_json(&c, &["--kind", "name"]);
    assert!(names.iter().all(|r| r.1 == "name") && !names.is_empty());

    let frequent = unmatched_json(&c, &["--min-count", "2"]);
    assert_eq!(
        frequent,
        vec![("Zorvania Defence Works".to_string(), "name".to_string(), 2)]
    );

    let all = unmatched_json(&c, &["--limit", "0"]);
    assert!(all.len() >= 2);
    let one = unmatched_json(&c, &["--limit", "1"]);
    assert_eq!(one.len(), 1);
    assert_eq!(one[0], all[0]);
    let text = stdout_of(&[os("unmatched"), c.as_os_str(), os("--limit"), os("1")]);
    assert_eq!(text.lines().count(), 2, "header + one row:\n{text}");

    let json = json_of(&[os("unmatched"), c.as_os_str(), os("--format"), os("json")]);
    let first = &arr(&json)[0];
    for k in [
        "phrase",
        "kind",
        "count",
        "example_doc",
        "example_sentence",
        "example",
    ] {
        assert!(!first[k].is_null(), "{k}: {first}");
    }
    assert_eq!(first["example_doc"], "a.txt");
}

#[test]
fn unmatched_reads_stdin() {
    let out = silkgraph()
        .args(["unmatched", "-", "--format", "json"])
        .write_stdin("Zorvania Defence Works met Pakistan.\nThe Qz-77M flew.\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let phrases: Vec<&str> = arr(&v)
        .iter()
        .map(|r| r["phrase"].as_str().unwrap())
        .collect();
    assert!(phrases.contains(&"Zorvania Defence Works") && phrases.contains(&"Qz-77M"));
}

#[test]
fn unmatched_unknown_kind_is_an_error() {
    let tmp = TempDir::new().unwrap();
    let c = unmatched_corpus(tmp.path());
    silkgraph()
        .arg("unmatched")
        .arg(&c)
        .args(["--kind", "names"])
        .assert()
        .code(2);
}
