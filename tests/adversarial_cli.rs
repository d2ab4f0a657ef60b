//! Adversarial command-line cases (issue 12): every file a user hands silkgraph and every file
//! it writes. Outputs through links, to devices, onto inputs; corpora with nothing readable;
//! graph files given where a graph is read; hostile snapshots; out-of-range options; closed
//! and full standard output. CI runs as root, so the device cases use /dev/null and /dev/full;
//! a case is skipped only when its path does not exist.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output, Stdio};

use common::{run_ok, seeds, silkgraph, write};
use predicates::prelude::*;
use serde_json::{json, Value};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_silkgraph");

fn stderr_of(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A corpus of two short documents with typed and co-occurrence edges.
fn small_corpus(dir: &Path) -> PathBuf {
    let c = dir.join("corpus");
    write(
        &c,
        "a.txt",
        "Pakistan bought J-10C fighter jets from China in 2022. Pakistan and India clashed in May.\n",
    );
    write(
        &c,
        "b.txt",
        "Russia supplied S-400 systems to India. China and Russia held talks in Moscow.\n",
    );
    c
}

/// `extract DIR -f json -o OUT`: the snapshot of the seed corpus.
fn seed_snapshot(dir: &Path) -> PathBuf {
    let out = dir.join("seeds.json");
    run_ok([
        "extract".as_ref(),
        seeds().as_os_str(),
        "-q".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    out
}

/// Names in `dir` (not recursive), sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn no_temp_files(dir: &Path) {
    let left: Vec<String> = names_in(dir)
        .into_iter()
        .filter(|n| n.starts_with(".silkgraph-"))
        .collect();
    assert!(
        left.is_empty(),
        "temp files left in {}: {left:?}",
        dir.display()
    );
}

#[cfg(unix)]
fn is_char_device(p: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    fs::metadata(p).is_ok_and(|m| m.file_type().is_char_device())
}

// ---------------------------------------------------------------------------------------
// Outputs

#[cfg(unix)]
#[test]
fn output_to_dev_null_is_written_directly_and_stays_a_device() {
    let null = Path::new("/dev/null");
    if !null.exists() {
        eprintln!("note: skipping: no /dev/null");
        return;
    }
    assert!(is_char_device(null));
    silkgraph()
        .args(["extract", "-q", "-o", "/dev/null"])
        .arg(seeds())
        .assert()
        .success();
    assert!(is_char_device(null), "/dev/null was replaced");
    // diff writes its report the same way.
    let tmp = TempDir::new().unwrap();
    let c = small_corpus(tmp.path());
    silkgraph()
        .arg("diff")
        .arg(&c)
        .arg(&c)
        .args(["-o", "/dev/null"])
        .assert()
        .success();
    assert!(is_char_device(null), "/dev/null was replaced");
}

#[cfg(unix)]
#[test]
fn output_to_dev_full_is_exit_2_and_stays_a_device() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        eprintln!("note: skipping: no /dev/full");
        return;
    }
    assert!(is_char_device(full));
    silkgraph()
        .args(["extract", "-q", "-o", "/dev/full"])
        .arg(seeds())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/dev/full"))
        .stderr(predicate::str::contains("No space left"));
    assert!(is_char_device(full), "/dev/full was replaced");
}

#[test]
fn output_dash_is_standard_output() {
    let tmp = TempDir::new().unwrap();
    let c = small_corpus(tmp.path());
    let o = silkgraph()
        .current_dir(tmp.path())
        .args(["extract", "-q", "-f", "json", "-o", "-"])
        .arg(&c)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr_of(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert!(!v["nodes"].as_array().unwrap().is_empty());
    assert!(!tmp.path().join("-").exists(), "wrote a file named -");
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_writes_the_target_and_keeps_the_link() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let tmp = TempDir::new().unwrap();
    let c = small_corpus(tmp.path());
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    fs::create_dir_all(&a).unwrap();
    let real = write(&b, "real.json", "old");
    fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
    let link = a.join("link.json");
    symlink("../b/real.json", &link).unwrap();
    // A dangling link: its target is created.
    let dangling = a.join("new.json");
    symlink("../b/new-target.json", &dangling).unwrap();
    for l in [&link, &dangling] {
        silkgraph()
            .args(["extract", "-q", "-o"])
            .arg(l)
            .arg(&c)
            .assert()
            .success();
        assert!(
            fs::symlink_metadata(l).unwrap().file_type().is_symlink(),
            "{} is no longer a link",
            l.display()
        );
    }
    let v: Value = serde_json::from_slice(&fs::read(&real).unwrap()).expect("target written");
    assert!(!v["nodes"].as_array().unwrap().is_empty());
    let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the target's permissions are kept");
    assert!(
        b.join("new-target.json").is_file(),
        "dangling link's target created"
    );
    no_temp_files(&a);
    no_temp_files(&b);
}

#[cfg(unix)]
#[test]
fn output_keeps_the_permissions_of_the_file_it_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new().unwrap();
    let c = small_corpus(tmp.path());
    let out = write(tmp.path(), "out.graphml", "old");
    fs::set_permissions(&out, fs::Permissions::from_mode(0o640)).unwrap();
    silkgraph()
        .args(["extract", "-q", "-o"])
        .arg(&out)
        .arg(&c)
        .assert()
        .success();
    assert_ne!(fs::read(&out).unwrap(), b"old");
    assert_eq!(
        fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

/// Documented behaviour: the output is replaced by a rename, so another hard link to the old
/// file keeps the old content (nothing is ever half-written in place).
#[test]
fn output_with_another_hard_link_is_replaced_and_the_other_name_keeps_the_old_file() {
    let tmp = TempDir::new().unwrap();
    let c = small_corpus(tmp.path());
    let out = write(tmp.path(), "out.json", "old");
    let other = tmp.path().join("other.json");
    fs::hard_link(&out, &other).unwrap();
    silkgraph()
        .args(["extract", "-q", "-o"])
        .arg(&out)
        .arg(&c)
        .assert()
        .success();
    assert_ne!(fs::read(&out).unwrap(), b"old");
    assert_eq!(fs::read(&other).unwrap(), b"old");
}

#[cfg(unix)]
#[test]
fn output_that_is_an_input_is_refused() {
    use std::os::unix::fs::symlink;
    let tmp = TempDir::new().unwrap();
    let c = small_corpus(tmp.path());
    let input = c.join("a.txt");
    let before = fs::read(&input).unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    let hard = elsewhere.join("hard.json");
    fs::hard_link(&input, &hard).unwrap();
    let soft = elsewhere.join("soft.json");
    symlink(&input, &soft).unwrap();
    let dotted = c.join(".").join("a.txt");
    for out in [&input, &dotted, &hard, &soft] {
        silkgraph()
            .args(["extract", "-q", "-f", "json", "-o"])
            .arg(out)
            .arg(&input)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is also an input"));
        assert_eq!(fs::read(&input).unwrap(), before, "input overwritten");
    }
    // diff: the report onto one of the compared snapshots.
    let snap = tmp.path().join("snap.json");
    run_ok([
        "extract".as_ref(),
        "-q".as_ref(),
        c.as_os_str(),
        "-o".as_ref(),
        snap.as_os_str(),
    ]);
    let snap_before = fs::read(&snap).unwrap();
    silkgraph()
        .arg("diff")
        .arg(&snap)
        .arg(&c)
        .arg("-o")
        .arg(&snap)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is also an input"));
    assert_eq!(fs::read(&snap).unwrap(), snap_before);
    no_temp_files(tmp.path());
    no_temp_files(&c);
}

#[test]
fn output_that_the_next_run_would_read_as_corpus_is_refused() {
    let tmp = TempDir::new().unwrap();
    let c = small_corpus(tmp.path());
    for name in ["graph.txt", "sub/graph.MD", "graph.jsonl"] {
        let out = c.join(name);
        fs::create_dir_all(out.parent().unwrap()).unwrap();
        silkgraph()
            .args(["extract", "-q", "-f", "dot", "-o"])
            .arg(&out)
            .arg(&c)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("read as corpus"));
        assert!(!out.exists(), "{name} written");
    }
    // The diff text report, the likeliest case.
    let report = c.join("report.txt");
    silkgraph()
        .arg("diff")
        .arg(&c)
        .arg(&c)
        .arg("-o")
        .arg(&report)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("read as corpus"));
    assert!(!report.exists());
    // A graph format inside the corpus directory is not read back: allowed.
    silkgraph()
        .args(["extract", "-q", "-o"])
        .arg(c.join("graph.json"))
        .arg(&c)
        .assert()
        .success();
    no_temp_files(&c);
}

#[test]
fn unknown_output_extension_is_an_error_listing_the_formats() {
    let tmp = TempDir::new().unwrap();
    let c = small_corpus(tmp.path());
    for name in ["graph.xyz", "graph"] {
        let out = tmp.path().join(name);
        let o = silkgraph()
            .args(["extract", "-q", "-o"])
            .arg(&out)
            .arg(&c)
            .output()
            .unwrap();
        let err = stderr_of(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        for f in ["graphml", "gexf", "dot", "json", "--format"] {
            assert!(err.contains(f), "{name}: message lacks {f}: {err}");
        }
        assert!(!out.exists());
    }
}

/// Start `extract - -o OUT` with stdin held open, wait for its temp file, send `signal`.
#[cfg(unix)]
fn temp_file_removed_on(signal: &str) {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out.graphml");
    let mut child = StdCommand::new(BIN)
        .args(["extract", "-q", "-", "-o"])
        .arg(&out)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let stdin = child.stdin.as_mut().unwrap();
        stdin
            .write_all(b"Pakistan and China signed a deal.\n")
            .unwrap();
        stdin.flush().unwrap();
    }
    // The temp file exists from the start (the output is checked before the corpus is read).
    let mut seen = false;
    for _ in 0..1000 {
        if names_in(tmp.path())
            .iter()
            .any(|n| n.starts_with(".silkgraph-"))
        {
            seen = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let killed = StdCommand::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(
        seen,
        "no temp file appeared while the corpus was being read"
    );
    assert!(!status.success(), "{signal}: {status:?}");
    assert_eq!(
        names_in(tmp.path()),
        Vec::<String>::new(),
        "{signal}: left files"
    );
}

#[cfg(unix)]
#[test]
fn temp_file_is_removed_on_sigterm() {
    temp_file_removed_on("TERM");
}

#[cfg(unix)]
#[test]
fn temp_file_is_removed_on_sigint() {
    temp_file_removed_on("INT");
}

// ---------------------------------------------------------------------------------------
// Corpora

#[test]
fn empty_corpus_is_an_error_and_keeps_the_previous_output() {
    let tmp = TempDir::new().unwrap();
    let empty = tmp.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    let out = write(tmp.path(), "out.json", "previous");
    silkgraph()
        .args(["extract", "-q", "-o"])
        .arg(&out)
        .arg(&empty)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no document"));
    assert_eq!(fs::read(&out).unwrap(), b"previous");
    // The commands that read a corpus as a graph, or tag it, say the same.
    for cmd in [
        vec!["stats"],
        vec!["neighbors", "x"],
        vec!["tag"],
        vec!["unmatched"],
    ] {
        let mut c = silkgraph();
        c.arg(cmd[0]).arg(&empty).args(&cmd[1..]);
        c.assert()
            .code(2)
            .stderr(predicate::str::contains("no document"));
    }
    no_temp_files(tmp.path());
}

#[test]
fn corpus_with_nothing_readable_says_what_was_skipped_and_why() {
    let tmp = TempDir::new().unwrap();
    let c = tmp.path().join("c");
    write(&c, "notes.csv", "a,b\n");
    write(&c, "picture.png", b"\x89PNG\r\n");
    write(&c, "empty.txt", "");
    write(&c, "binary.txt", b"abc\0def\x01\x02");
    let out = tmp.path().join("out.json");
    let o = silkgraph()
        .args(["extract", "-q", "-o"])
        .arg(&out)
        .arg(&c)
        .output()
        .unwrap();
    let err = stderr_of(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("no document"), "{err}");
    for (file, why) in [
        ("notes.csv", "extension"),
        ("picture.png", "extension"),
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(file) && l.contains(why)),
            "{file}: no line saying {why}:\n{err}"
        );
    }
    assert!(!out.exists());
    // The commands that read the corpus without writing a graph say the same.
    for cmd in ["tag", "unmatched", "stats"] {
        silkgraph()
            .arg(cmd)
            .arg(&c)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("no document"));
    }
}

/// Document ids of the evidence in a JSON graph.
fn evidence_docs(v: &Value) -> Vec<String> {
    let mut docs: Vec<String> = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["evidence"].as_array().unwrap().iter())
        .map(|ev| ev["doc"].as_str().unwrap().to_string())
        .collect();
    docs.sort();
    docs.dedup();
    docs
}

#[test]
fn corpus_extensions_match_case_insensitively() {
    let tmp = TempDir::new().unwrap();
    let c = tmp.path().join("c");
    write(&c, "a.TXT", "Pakistan and China signed a deal.\n");
    write(&c, "b.Md", "India and Russia held talks.\n");
    write(&c, "c.Text", "Iran and Armenia met in Yerevan.\n");
    write(
        &c,
        "d.JSONL",
        "{\"id\":\"j1\",\"text\":\"Turkey and Azerbaijan signed a pact.\"}\n",
    );
    let (stdout, _) = run_ok([
        "extract".as_ref(),
        "-q".as_ref(),
        "-f".as_ref(),
        "json".as_ref(),
        c.as_os_str(),
    ]);
    let v: Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(v["graph"]["documents"], 4, "{}", v["graph"]);
    assert_eq!(evidence_docs(&v), ["a.TXT", "b.Md", "c.Text", "j1"]);
}

#[cfg(unix)]
#[test]
fn symlinked_corpus_files_are_followed_and_directory_loops_do_not_hang() {
    use std::os::unix::fs::symlink;
    let tmp = TempDir::new().unwrap();
    let outside = write(
        tmp.path(),
        "outside/real.txt",
        "Pakistan and China signed a deal.\n",
    );
    let c = tmp.path().join("c");
    write(&c, "own.txt", "India and Russia held talks.\n");
    symlink(&outside, c.join("linked.txt")).unwrap();
    symlink(&c, c.join("loop")).unwrap();
    let (stdout, _) = run_ok([
        "extract".as_ref(),
        "-q".as_ref(),
        "-f".as_ref(),
        "json".as_ref(),
        c.as_os_str(),
    ]);
    let v: Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(evidence_docs(&v), ["linked.txt", "own.txt"]);
}

// ---------------------------------------------------------------------------------------
// Graph inputs

#[test]
fn graph_files_are_read_as_graphs_never_as_article_text() {
    let tmp = TempDir::new().unwrap();
    let c = small_corpus(tmp.path());
    let mut files = Vec::new();
    for ext in ["graphml", "gexf"] {
        let f = tmp.path().join(format!("g.{ext}"));
        run_ok([
            "extract".as_ref(),
            "-q".as_ref(),
            c.as_os_str(),
            "-o".as_ref(),
            f.as_os_str(),
        ]);
        files.push(f);
    }
    // XML under names that do not say so.
    let xml_txt = tmp.path().join("graph.txt");
    fs::copy(&files[0], &xml_txt).unwrap();
    files.push(xml_txt);
    let xml = tmp.path().join("graph.xml");
    fs::copy(&files[1], &xml).unwrap();
    files.push(xml);
    let snap = tmp.path().join("snap.json");
    run_ok([
        "extract".as_ref(),
        "-q".as_ref(),
        c.as_os_str(),
        "-o".as_ref(),
        snap.as_os_str(),
    ]);
    // A snapshot under another name is read as a snapshot, not as text.
    let renamed = tmp.path().join("snap.txt");
    fs::copy(&snap, &renamed).unwrap();
    let (a, _) = run_ok(["stats".as_ref(), snap.as_os_str()]);
    let (b, _) = run_ok(["stats".as_ref(), renamed.as_os_str()]);
    assert_eq!(a, b, "snap.txt read as text");
    // GraphML and GEXF, under any name, are read as the graph they hold: the same answers
    // as the snapshot, never article text.
    let (snap_neighbors, _) = run_ok(["neighbors".as_ref(), snap.as_os_str(), "pakistan".as_ref()]);
    for f in &files {
        let (stats, _) = run_ok(["stats".as_ref(), f.as_os_str()]);
        assert_eq!(
            stats,
            a,
            "stats on {} differs from the snapshot's",
            f.display()
        );
        let (n, _) = run_ok(["neighbors".as_ref(), f.as_os_str(), "pakistan".as_ref()]);
        assert_eq!(n, snap_neighbors, "neighbors on {}", f.display());
        let o = silkgraph()
            .args(["diff".as_ref(), f.as_os_str(), snap.as_os_str()])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "diff {} snap: {}",
            f.display(),
            stderr_of(&o)
        );
    }
    // XML that is no graph silkgraph writes is refused with the file named, under any name.
    for name in ["page.xml", "page.graphml", "page.txt"] {
        let foreign = tmp.path().join(name);
        fs::write(
            &foreign,
            "<?xml version=\"1.0\"?>\n<html><body>Pakistan and China</body></html>\n",
        )
        .unwrap();
        for args in [
            vec!["stats".as_ref(), foreign.as_os_str()],
            vec![
                "neighbors".as_ref(),
                foreign.as_os_str(),
                "pakistan".as_ref(),
            ],
            vec!["diff".as_ref(), foreign.as_os_str(), snap.as_os_str()],
        ] {
            let o = silkgraph().args(&args).output().unwrap();
            let err = stderr_of(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                err.contains(&foreign.display().to_string()) && err.contains("not a graph file"),
                "{args:?}: {err}"
            );
            assert!(o.stdout.is_empty(), "{args:?} printed a report");
        }
    }
}

fn snapshot(nodes: Value, edges: Value, schema_version: u64) -> Value {
    json!({
        "directed": true, "multigraph": true,
        "graph": {"generator": "test", "schema_version": schema_version, "documents": 1,
                  "sentences": 1, "duplicate_sentences": 0, "skipped_lines": 0,
                  "relations": "all"},
        "nodes": nodes, "edges": edges,
    })
}

fn node(id: &str) -> Value {
    json!({"id": id, "label": id, "type": "country", "mentions": 1, "documents": 1})
}

fn edge(s: &str, r: &str, t: &str, symmetric: bool, weight: u64) -> Value {
    json!({"key": r, "source": s, "target": t, "relation": r, "symmetric": symmetric,
           "weight": weight, "evidence": [{"doc": "d", "sentence": 0, "start": 0, "end": 5}],
           "weapons": [], "years": [], "inferred": false})
}

#[test]
fn hostile_snapshots_are_rejected_with_the_reason() {
    let tmp = TempDir::new().unwrap();
    let n = || json!([node("country:a"), node("country:b")]);
    let ok = snapshot(
        n(),
        json!([edge("country:a", "co_occurs_with", "country:b", true, 1)]),
        1,
    );
    let cases = [
        ("valid", ok, None),
        (
            "schema",
            snapshot(n(), json!([]), 99),
            Some("schema_version 99"),
        ),
        (
            "dup-node",
            snapshot(
                json!([node("country:a"), node("country:b"), node("country:a")]),
                json!([]),
                1,
            ),
            Some("duplicate node id country:a"),
        ),
        (
            "dup-edge",
            snapshot(
                n(),
                json!([
                    edge("country:a", "supplies", "country:b", false, 1),
                    edge("country:a", "supplies", "country:b", false, 2)
                ]),
                1,
            ),
            Some("duplicate edge"),
        ),
        (
            "dup-symmetric-edge",
            snapshot(
                n(),
                json!([
                    edge("country:a", "co_occurs_with", "country:b", true, 1),
                    edge("country:b", "co_occurs_with", "country:a", true, 1)
                ]),
                1,
            ),
            Some("duplicate edge"),
        ),
        (
            "dangling",
            snapshot(
                n(),
                json!([edge("country:a", "supplies", "country:zz", false, 1)]),
                1,
            ),
            Some("country:zz"),
        ),
        (
            "huge-weight",
            snapshot(
                n(),
                json!([
                    edge("country:a", "supplies", "country:b", false, u64::MAX),
                    edge("country:a", "co_occurs_with", "country:b", true, 1)
                ]),
                1,
            ),
            Some("weight"),
        ),
    ];
    for (name, v, reason) in cases {
        let f = write(tmp.path(), &format!("{name}.json"), v.to_string());
        for args in [
            vec!["stats".as_ref(), f.as_os_str()],
            vec!["neighbors".as_ref(), f.as_os_str(), "country:a".as_ref()],
            vec!["diff".as_ref(), f.as_os_str(), f.as_os_str()],
        ] {
            let o = silkgraph().args(&args).output().unwrap();
            let err = stderr_of(&o);
            match reason {
                None => assert!(o.status.success(), "{name} {args:?}: {err}"),
                Some(r) => {
                    assert_eq!(o.status.code(), Some(2), "{name} {args:?}: {err}");
                    assert!(err.contains(r), "{name}: {r:?} not in {err}");
                    assert!(err.contains(&f.display().to_string()), "{err}");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Options

#[test]
fn diff_typed_only_leaves_co_occurrence_out_everywhere() {
    let tmp = TempDir::new().unwrap();
    let n = || json!([node("country:a"), node("country:b")]);
    let typed = || edge("country:a", "supplies", "country:b", false, 1);
    let old = write(
        tmp.path(),
        "old.json",
        snapshot(
            n(),
            json!([
                typed(),
                edge("country:a", "co_occurs_with", "country:b", true, 1)
            ]),
            1,
        )
        .to_string(),
    );
    let new = write(
        tmp.path(),
        "new.json",
        snapshot(
            n(),
            json!([
                typed(),
                edge("country:a", "co_occurs_with", "country:b", true, 3)
            ]),
            1,
        )
        .to_string(),
    );
    // Without the flag the co-occurrence change is a difference.
    silkgraph()
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("co_occurs_with"));
    for format in ["text", "json"] {
        let o = silkgraph()
            .arg("diff")
            .arg(&old)
            .arg(&new)
            .args(["--typed-only", "--format", format])
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "{format}: {out}{}", stderr_of(&o));
        assert!(!out.contains("co_occurs_with"), "{format}: {out}");
    }
    // On real corpora: the JSON counts only typed edges.
    let snap = seed_snapshot(tmp.path());
    let c = small_corpus(tmp.path());
    let o = silkgraph()
        .arg("diff")
        .arg(&c)
        .arg(&snap)
        .args(["--typed-only", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let added = v["edges_added"].as_array().unwrap();
    assert!(!added.is_empty());
    assert!(added.iter().all(|e| e["relation"] != "co_occurs_with"));
    assert_eq!(v["edges"]["added"], added.len());
    assert!(v["edges_by_relation"].get("co_occurs_with").is_none());
}

#[test]
fn thread_count_out_of_range_is_refused() {
    for n in ["0", "10000", "18446744073709551615"] {
        silkgraph()
            .args(["extract", "-q", "--threads", n])
            .arg(seeds())
            .assert()
            .code(2)
            .stderr(predicate::str::contains("1..=256"));
    }
}

#[test]
fn part_size_out_of_range_is_refused() {
    let tmp = TempDir::new().unwrap();
    let c = small_corpus(tmp.path());
    // 2^63 made the part window wrap to 0 and the reader panic.
    for n in ["1023", "1073741825", "9223372036854775808"] {
        silkgraph()
            .args(["extract", "-q", "--part-bytes", n])
            .arg(&c)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("1024..=1073741824"));
    }
}

#[test]
fn neighbor_depth_out_of_range_is_refused_and_a_deep_search_ends() {
    let tmp = TempDir::new().unwrap();
    let snap = seed_snapshot(tmp.path());
    for d in ["0", "65", "4294967295"] {
        silkgraph()
            .arg("neighbors")
            .arg(&snap)
            .args(["pakistan", "--depth", d])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("1..=64"));
    }
    // The largest depth is accepted; the search stops when nothing new is reached.
    silkgraph()
        .arg("neighbors")
        .arg(&snap)
        .args(["pakistan", "--depth", "64", "--format", "json"])
        .assert()
        .success();
}

// ---------------------------------------------------------------------------------------
// Closed and full standard output

/// Every command that prints, with the arguments that make it print something.
fn printing_commands(snap: &Path, corpus: &Path) -> Vec<Vec<std::ffi::OsString>> {
    let s = snap.as_os_str().to_owned();
    let c = corpus.as_os_str().to_owned();
    let v = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
    let with = |mut a: Vec<std::ffi::OsString>, p: &std::ffi::OsString, rest: &[&str]| {
        a.push(p.clone());
        a.extend(rest.iter().map(std::ffi::OsString::from));
        a
    };
    vec![
        with(v(&["extract", "-q"]), &c, &[]),
        with(v(&["tag"]), &c, &[]),
        v(&["explain", "Pakistan bought J-10C fighters from China."]),
        with(v(&["neighbors"]), &s, &["pakistan"]),
        with(with(v(&["diff"]), &c, &[]), &s, &[]),
        with(v(&["stats"]), &s, &[]),
        with(v(&["unmatched"]), &c, &[]),
        v(&["gazetteer", "check", "--with-default"]),
        v(&["gazetteer", "check"]),
        v(&["gazetteer", "stats"]),
        v(&["gazetteer", "lookup", "Pakistan"]),
        v(&["gazetteer", "list"]),
    ]
}

#[test]
fn closed_stdout_exits_quietly_for_every_command() {
    let tmp = TempDir::new().unwrap();
    let snap = seed_snapshot(tmp.path());
    for args in printing_commands(&snap, &seeds()) {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = StdCommand::new(BIN)
            .args(&args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = stderr_of(&o);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

#[test]
fn full_stdout_is_exit_2_for_every_command() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        eprintln!("note: skipping: no /dev/full");
        return;
    }
    let tmp = TempDir::new().unwrap();
    let snap = seed_snapshot(tmp.path());
    for args in printing_commands(&snap, &seeds()) {
        let out = fs::OpenOptions::new().write(true).open(full).unwrap();
        let o = StdCommand::new(BIN)
            .args(&args)
            .stdout(out)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = stderr_of(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("No space left"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn closed_stderr_does_not_panic() {
    let tmp = TempDir::new().unwrap();
    let c = small_corpus(tmp.path());
    // A warning (binary file) and the summary line both go to stderr.
    write(&c, "binary.txt", b"abc\0def");
    for args in [
        vec!["extract".as_ref(), c.as_os_str()],
        vec!["stats".as_ref(), c.as_os_str()],
        vec!["tag".as_ref(), c.as_os_str()],
        vec!["unmatched".as_ref(), c.as_os_str()],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = StdCommand::new(BIN)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(writer)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}");
    }
    // An error message that cannot be shown still ends with exit 2, not a panic.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = StdCommand::new(BIN)
        .args(["stats", "/no/such/graph.json"])
        .stderr(writer)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
