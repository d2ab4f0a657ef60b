//! Command-line tests: `silkgraph extract`, `silkgraph tag` and `silkgraph gazetteer ...`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{run_ok, seeds, silkgraph, write};
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

const FORMATS: [&str; 4] = ["graphml", "gexf", "dot", "json"];

/// A small custom gazetteer: one organization with a hostile canonical name, one country.
const CUSTOM_GAZETTEER: &str = r#"
[[entity]]
id = "organization:att"
type = "organization"
name = "AT&T \"Ltd\" <x> C:\\path\\ Côte d'Ivoire"
names = ["Attco Holdings"]

[[entity]]
id = "country:borduria"
type = "country"
name = "Borduria"
demonyms = ["Bordurian"]
"#;

fn custom_gazetteer(dir: &Path) -> PathBuf {
    let g = dir.join("gaz");
    write(&g, "custom.toml", CUSTOM_GAZETTEER);
    g
}

/// Check that `bytes` look like a file of `format`.
fn assert_looks_like(format: &str, bytes: &[u8]) {
    let s = std::str::from_utf8(bytes).expect("output is UTF-8");
    match format {
        "graphml" => {
            assert!(s.starts_with("<?xml"), "not XML: {}", &s[..s.len().min(80)]);
            assert!(s.contains("<graphml"), "no <graphml> element");
            assert!(s.contains("<node id="), "no nodes");
        }
        "gexf" => {
            assert!(s.starts_with("<?xml"));
            assert!(s.contains("<gexf"), "no <gexf> element");
            assert!(s.contains("<node id="), "no nodes");
        }
        "dot" => {
            assert!(
                s.starts_with("digraph"),
                "not DOT: {}",
                &s[..s.len().min(80)]
            );
            assert!(s.contains("->"), "no edges");
        }
        "json" => {
            let v: Value = serde_json::from_str(s).expect("valid JSON");
            assert!(!v["nodes"].as_array().unwrap().is_empty());
            assert!(!v["edges"].as_array().unwrap().is_empty());
        }
        other => panic!("unknown format {other}"),
    }
}

fn extract_json(args: &[&std::ffi::OsStr]) -> Value {
    let mut all: Vec<&std::ffi::OsStr> = vec![
        "extract".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "-q".as_ref(),
    ];
    all.extend_from_slice(args);
    let (stdout, _) = run_ok(all);
    serde_json::from_slice(&stdout).expect("JSON output")
}

/// (source, relation, target) → (weight, evidence count) of the JSON edges.
fn edge_table(v: &Value) -> BTreeMap<(String, String, String), (u64, usize)> {
    v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                (
                    e["source"].as_str().unwrap().to_string(),
                    e["relation"].as_str().unwrap().to_string(),
                    e["target"].as_str().unwrap().to_string(),
                ),
                (
                    e["weight"].as_u64().unwrap(),
                    e["evidence"].as_array().unwrap().len(),
                ),
            )
        })
        .collect()
}

// ------------------------------------------------------------------------------ extract

#[test]
fn extract_format_from_output_extension() {
    let tmp = TempDir::new().unwrap();
    for f in FORMATS {
        let out = tmp.path().join(format!("out.{f}"));
        silkgraph()
            .arg("extract")
            .arg(seeds())
            .arg("-o")
            .arg(&out)
            .assert()
            .success()
            .stdout(predicate::str::is_empty());
        assert_looks_like(f, &std::fs::read(&out).unwrap());
    }
}

#[test]
fn extract_format_flag_overrides_extension() {
    let tmp = TempDir::new().unwrap();
    for f in FORMATS {
        // An extension that names no format, and one that names a different format.
        for name in [format!("out-{f}.txt"), format!("out-{f}.graphml")] {
            let out = tmp.path().join(&name);
            silkgraph()
                .arg("extract")
                .arg(seeds())
                .args(["-q", "--format", f, "-o"])
                .arg(&out)
                .assert()
                .success();
            assert_looks_like(f, &std::fs::read(&out).unwrap());
        }
    }
}

#[test]
fn extract_writes_stdout_without_output() {
    // Default format on stdout is GraphML; the summary goes to stderr, never stdout.
    let (stdout, stderr) = run_ok(["extract".as_ref(), seeds().as_os_str()]);
    assert_looks_like("graphml", &stdout);
    assert!(stderr.contains("documents"), "summary on stderr: {stderr}");
    for f in FORMATS {
        let (stdout, _) = run_ok([
            "extract".as_ref(),
            seeds().as_os_str(),
            "-q".as_ref(),
            "--format".as_ref(),
            f.as_ref(),
        ]);
        assert_looks_like(f, &stdout);
    }
}

#[test]
fn extract_reads_stdin() {
    let out = silkgraph()
        .args(["extract", "-", "--format", "json", "-q"])
        .write_stdin("Pakistan and China signed an agreement in 2024.\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"country:pakistan") && ids.contains(&"country:china"),
        "{ids:?}"
    );
}

#[test]
fn messy_input_warns_per_file_and_succeeds() {
    let tmp = TempDir::new().unwrap();
    let c = tmp.path().join("corpus");
    write(
        &c,
        "bad_utf8.txt",
        b"Pakistan and China caf\xe9 signed a deal.\n",
    );
    write(&c, "binary.txt", b"abc\0def Pakistan and India \x01\x02");
    write(&c, "empty.txt", b"");
    write(
        &c,
        "notes.md",
        "# Notes\n\nTajikistan bought the HQ-17AE from China.\n",
    );
    write(
        &c,
        "docs.jsonl",
        concat!(
            r#"{"id":"with-id","text":"Pakistan and India clashed in May."}"#,
            "\n",
            r#"{"text":"Russia and Kazakhstan held talks."}"#,
            "\n",
            "{not json at all\n",
        ),
    );
    let mut long = String::from("Uzbekistan and Afghanistan agreed on a railway. ");
    long.push_str(&"x".repeat((1 << 20) + 10));
    long.push_str("\nIran and Armenia met.\n");
    write(&c, "long.txt", long);
    let out = tmp.path().join("out.json");

    let o = silkgraph()
        .arg("extract")
        .arg(&c)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "exit {:?}\n{stderr}", o.status);
    assert!(out.exists(), "output written");

    for (file, what) in [
        ("bad_utf8.txt", "UTF-8"),
        ("binary.txt", "binary"),
        ("empty.txt", "empty"),
        ("docs.jsonl", "JSON"),
        ("long.txt", "long line"),
    ] {
        // (The long line is also one over-long sentence, analysed in pieces: its own warning.)
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains(file) && !l.contains("over-long sentence"))
            .collect();
        assert_eq!(
            lines.len(),
            1,
            "exactly one warning line naming {file}, got {lines:?}\nstderr:\n{stderr}"
        );
        assert!(lines[0].contains("warning"), "{:?}", lines[0]);
        assert!(
            lines[0].contains(what),
            "{file}: {:?} should mention {what}",
            lines[0]
        );
    }
    assert!(
        !stderr.contains("notes.md"),
        "a good .md file gets no warning:\n{stderr}"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("long.txt") && l.contains("over-long sentence")),
        "{stderr}"
    );

    // Every readable document made it into the graph, with JSONL ids kept or generated.
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let mut docs: Vec<String> = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["evidence"].as_array().unwrap().iter())
        .map(|ev| ev["doc"].as_str().unwrap().to_string())
        .collect();
    docs.sort();
    docs.dedup();
    for d in [
        "bad_utf8.txt",
        "notes.md",
        "with-id",
        "docs.jsonl#2",
        "long.txt",
    ] {
        assert!(
            docs.iter().any(|x| x == d),
            "no evidence from {d}: {docs:?}"
        );
    }
    assert!(
        !docs.iter().any(|x| x == "binary.txt"),
        "binary file skipped"
    );
}

#[test]
fn missing_input_is_exit_2_and_writes_nothing() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out.graphml");
    let missing = tmp.path().join("no-such-corpus");
    for args in [vec![missing.clone()], vec![seeds(), missing.clone()]] {
        silkgraph()
            .arg("extract")
            .args(&args)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(missing.display().to_string()));
        assert!(!out.exists(), "no output file after a failed run");
    }
    // No temp file left behind either.
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "files left: {left:?}");
}

/// Broken gazetteers: (name, file text, lines the error may point at).
fn broken_gazetteers() -> Vec<(&'static str, &'static str, &'static [usize])> {
    vec![
        (
            "toml-syntax",
            "[[entity]]\nid = \"country:xland\"\ntype = \"country\nname = \"Xland\"\n",
            &[3],
        ),
        (
            "duplicate-id",
            "[[entity]]\nid = \"country:xland\"\ntype = \"country\"\nname = \"Xland\"\n\n[[entity]]\nid = \"country:xland\"\ntype = \"country\"\nname = \"Yland\"\n",
            &[6, 7],
        ),
        (
            "unknown-type",
            "[[entity]]\nid = \"country:xland\"\ntype = \"planet\"\nname = \"Xland\"\n",
            &[1, 3],
        ),
        (
            "unknown-made-by",
            "[[entity]]\nid = \"weapon:zapper\"\ntype = \"weapon\"\nname = \"Zapper\"\nmade_by = [\"country:nowhere\"]\n",
            &[1, 5],
        ),
        (
            "alias-claimed-twice",
            "[[entity]]\nid = \"country:xland\"\ntype = \"country\"\nname = \"Xland\"\nvariants = [\"Zedland\"]\n\n[[entity]]\nid = \"country:yland\"\ntype = \"country\"\nname = \"Yland\"\nvariants = [\"Zedland\"]\n",
            &[6, 10, 11],
        ),
    ]
}

fn assert_names_file_line(stderr: &str, file: &Path, lines: &[usize], case: &str) {
    let f = file.display().to_string();
    assert!(
        lines.iter().any(|l| stderr.contains(&format!("{f}:{l}"))),
        "{case}: error should name {f}:<one of {lines:?}>, got:\n{stderr}"
    );
}

#[test]
fn broken_gazetteer_is_exit_2_with_file_line_and_no_output() {
    let tmp = TempDir::new().unwrap();
    for (case, text, lines) in broken_gazetteers() {
        let dir = tmp.path().join(case);
        let file = write(&dir, "bad.toml", text);
        let out = tmp.path().join(format!("{case}.graphml"));
        let o = silkgraph()
            .arg("extract")
            .arg(seeds())
            .arg("--gazetteer")
            .arg(&dir)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{case}: exit code\n{stderr}");
        assert_names_file_line(&stderr, &file, lines, case);
        assert!(!out.exists(), "{case}: no output file");

        // `gazetteer check DIR` reports the same problem.
        let o = silkgraph()
            .args(["gazetteer", "check"])
            .arg(&dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{case}: check exit code\n{stderr}"
        );
        assert_names_file_line(&stderr, &file, lines, case);
    }
}

#[test]
fn no_default_gazetteer_uses_only_custom_entities() {
    let tmp = TempDir::new().unwrap();
    let gaz = custom_gazetteer(tmp.path());
    let doc = write(
        tmp.path(),
        "doc.txt",
        "Attco Holdings signed a deal with Borduria. Pakistan and China watched.\nThe Bordurian side agreed.\n",
    );
    let (stdout, _) = run_ok([
        "tag".as_ref(),
        doc.as_os_str(),
        "--no-default-gazetteer".as_ref(),
        "--gazetteer".as_ref(),
        gaz.as_os_str(),
    ]);
    let mut entities = Vec::new();
    for line in String::from_utf8(stdout).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        for m in v["mentions"].as_array().unwrap() {
            entities.push(m["entity"].as_str().unwrap().to_string());
        }
    }
    entities.sort();
    entities.dedup();
    assert_eq!(entities, ["country:borduria", "organization:att"]);

    let v = extract_json(&[
        doc.as_os_str(),
        "--no-default-gazetteer".as_ref(),
        "--gazetteer".as_ref(),
        gaz.as_os_str(),
    ]);
    let ids: Vec<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["country:borduria", "organization:att"]);

    // With the default gazetteer on top, Pakistan and China are found too.
    let v = extract_json(&[doc.as_os_str(), "--gazetteer".as_ref(), gaz.as_os_str()]);
    let n = v["nodes"].as_array().unwrap().len();
    assert!(n >= 4, "default + custom entities: {n}");
}

#[test]
fn no_default_gazetteer_without_gazetteer_is_an_error() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out.json");
    silkgraph()
        .arg("extract")
        .arg(seeds())
        .arg("--no-default-gazetteer")
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--gazetteer"));
    assert!(!out.exists());
    silkgraph()
        .arg("tag")
        .arg(seeds())
        .arg("--no-default-gazetteer")
        .assert()
        .code(2);
}

#[test]
fn extraction_is_deterministic_in_every_format() {
    let tmp = TempDir::new().unwrap();
    for f in FORMATS {
        let mut runs = Vec::new();
        for (i, threads) in ["1", "2", "2"].iter().enumerate() {
            let out = tmp.path().join(format!("run{i}.{f}"));
            silkgraph()
                .arg("extract")
                .arg(seeds())
                .args(["-q", "--threads", threads, "-o"])
                .arg(&out)
                .assert()
                .success();
            runs.push(std::fs::read(&out).unwrap());
        }
        assert!(runs[1] == runs[2], "{f}: two runs differ");
        assert!(
            runs[0] == runs[1],
            "{f}: --threads 1 and --threads 2 differ"
        );
    }
}

/// A file read in parts (here: all seeds in one file, parts of 16 KiB) gives the same
/// output for any thread count, one document, and `tag` offsets into the whole file.
#[test]
fn a_file_read_in_parts_is_one_document_for_any_thread_count() {
    let tmp = TempDir::new().unwrap();
    let mut all = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for p in paths {
        all.extend(std::fs::read(p).unwrap());
        all.extend(b"\n\n");
    }
    let big = tmp.path().join("all.txt");
    std::fs::write(&big, &all).unwrap();
    let mut runs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("t{threads}.json"));
        silkgraph()
            .arg("extract")
            .arg(&big)
            .args(["-q", "--part-bytes", "16384", "--threads", threads, "-o"])
            .arg(&out)
            .assert()
            .success();
        runs.push(std::fs::read(&out).unwrap());
    }
    assert!(runs[0] == runs[1], "--threads 1 and 2 differ");
    let v: serde_json::Value = serde_json::from_slice(&runs[0]).unwrap();
    assert_eq!(v["graph"]["documents"], 1);
    let text = String::from_utf8_lossy(&all);
    let tagged = silkgraph().arg("tag").arg(&big).output().unwrap();
    assert!(tagged.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(tagged.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last = lines.last().unwrap();
    let (start, end) = (
        last["start"].as_u64().unwrap() as usize,
        last["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[start..end], last["text"].as_str().unwrap());
}

#[test]
fn duplicate_documents_do_not_inflate_weights() {
    let tmp = TempDir::new().unwrap();
    let first = std::fs::read_dir(seeds())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("000"))
        .collect::<Vec<_>>();
    assert_eq!(first.len(), 1, "one seeds/000*.txt");
    let text = std::fs::read(&first[0]).unwrap();
    let once = tmp.path().join("once");
    let twice = tmp.path().join("twice");
    write(&once, "a.txt", &text);
    write(&twice, "a.txt", &text);
    write(&twice, "b-copy.txt", &text);

    let a = edge_table(&extract_json(&[
        once.as_os_str(),
        "--relations".as_ref(),
        "cooccurrence".as_ref(),
    ]));
    let b = edge_table(&extract_json(&[
        twice.as_os_str(),
        "--relations".as_ref(),
        "cooccurrence".as_ref(),
    ]));
    assert!(!a.is_empty());
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "same edges"
    );
    let mut longer = 0;
    for (k, (wa, ea)) in &a {
        let (wb, eb) = b[k];
        assert_eq!(*wa, wb, "weight of {k:?}");
        assert!(eb >= *ea, "evidence of {k:?}: {eb} < {ea}");
        if eb > *ea {
            longer += 1;
        }
    }
    assert!(longer > 0, "the copy adds evidence");

    // The same holds with typed relations on (weights count distinct sentences).
    let a = edge_table(&extract_json(&[once.as_os_str()]));
    let b = edge_table(&extract_json(&[twice.as_os_str()]));
    for (k, (wa, _)) in &a {
        assert_eq!(*wa, b[k].0, "weight of {k:?} (all relations)");
    }
}

#[test]
fn summary_reports_skipped_boilerplate() {
    let (_, stderr) = run_ok([
        "extract".as_ref(),
        seeds().as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let re = regex::Regex::new(r"skipped (\d+) boilerplate lines").unwrap();
    let n: u64 = re
        .captures(&stderr)
        .unwrap_or_else(|| panic!("no boilerplate count in summary:\n{stderr}"))[1]
        .parse()
        .unwrap();
    assert!(n > 0, "seeds have bylines and footers: {stderr}");
}

/// Run `tag` on `file`, check the schema of each line and the byte offsets against the
/// file's bytes; return the parsed lines.
fn tag_checked(file: &Path, extra: &[&str]) -> Vec<Value> {
    let (stdout, _) = run_ok(
        ["tag".as_ref(), file.as_os_str()]
            .into_iter()
            .chain(extra.iter().map(|s| s.as_ref())),
    );
    let stdout = String::from_utf8(stdout).unwrap();
    let dir_input = file.is_dir();
    let mut cache: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut lines = Vec::new();
    for line in stdout.lines() {
        let v: Value = serde_json::from_str(line).expect("one JSON object per line");
        for k in ["doc", "sentence", "start", "end", "text", "mentions"] {
            assert!(v.get(k).is_some(), "field {k} missing in {line}");
        }
        let doc = v["doc"].as_str().unwrap().to_string();
        let bytes = cache.entry(doc.clone()).or_insert_with(|| {
            let p = if dir_input {
                file.join(&doc)
            } else {
                file.to_path_buf()
            };
            std::fs::read(p).unwrap()
        });
        let (s, e) = (
            v["start"].as_u64().unwrap() as usize,
            v["end"].as_u64().unwrap() as usize,
        );
        assert!(v["sentence"].is_u64());
        assert_eq!(
            &bytes[s..e],
            v["text"].as_str().unwrap().as_bytes(),
            "sentence text is the file slice [{s},{e}) of {doc}"
        );
        for m in v["mentions"].as_array().unwrap() {
            for k in ["entity", "type", "start", "end", "surface", "kind"] {
                assert!(m.get(k).is_some(), "mention field {k} missing in {m}");
            }
            let (ms, me) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            assert!(
                s <= ms && me <= e && ms < me,
                "mention {m} inside [{s},{e})"
            );
            assert_eq!(
                &bytes[ms..me],
                m["surface"].as_str().unwrap().as_bytes(),
                "surface is the file slice [{ms},{me}) of {doc}"
            );
        }
        lines.push(v);
    }
    lines
}

#[test]
fn tag_offsets_match_file_bytes_with_curly_quotes_and_dashes() {
    let tmp = TempDir::new().unwrap();
    let f = write(
        tmp.path(),
        "curly.txt",
        "Café owners said Pakistan’s army watched the India–Pakistan border.\n\
         “Islamabad maintains its position,” the U.S. envoy said — and China’s J-10C flew.\n",
    );
    let lines = tag_checked(&f, &[]);
    assert!(lines.len() >= 2, "{lines:?}");
    let mentions: Vec<(String, String)> = lines
        .iter()
        .flat_map(|l| l["mentions"].as_array().unwrap().iter())
        .map(|m| {
            (
                m["surface"].as_str().unwrap().to_string(),
                m["entity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let has = |s: &str, e: &str| mentions.iter().any(|(a, b)| a == s && b == e);
    assert!(has("Pakistan", "country:pakistan"), "{mentions:?}");
    assert!(
        has("India", "country:india"),
        "India–Pakistan: {mentions:?}"
    );
    assert_eq!(
        mentions
            .iter()
            .filter(|(_, e)| e == "country:pakistan")
            .count(),
        3,
        "Pakistan’s, India–Pakistan, Islamabad: {mentions:?}"
    );
    assert!(has("China", "country:china"), "China’s: {mentions:?}");
    assert!(has("J-10C", "weapon:j-10c"), "{mentions:?}");
}

#[test]
fn tag_offsets_match_file_bytes_on_seeds() {
    let lines = tag_checked(&seeds(), &[]);
    assert!(lines.len() > 500, "seed sentences: {}", lines.len());
}

#[test]
fn byline_yields_no_sentence() {
    let tmp = TempDir::new().unwrap();
    let f = write(
        tmp.path(),
        "news.txt",
        "Pakistan Buys Jets\nBy John Smith\n\nPakistan bought J-10C jets from China in 2020.\n",
    );
    let lines = tag_checked(&f, &[]);
    assert!(!lines.is_empty());
    for l in &lines {
        let t = l["text"].as_str().unwrap();
        assert!(
            !t.contains("John Smith"),
            "byline kept as a sentence: {t:?}"
        );
    }
    assert!(lines
        .iter()
        .any(|l| l["text"].as_str().unwrap().contains("bought J-10C")));
}

#[test]
fn min_weight_drops_weight_one_cooccurrence_edges() {
    let all = extract_json(&[seeds().as_os_str()]);
    let co = |v: &Value| -> Vec<u64> {
        v["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["relation"] == "co_occurs_with")
            .map(|e| e["weight"].as_u64().unwrap())
            .collect()
    };
    let before = co(&all);
    assert!(before.contains(&1), "seeds have weight-1 co-occurrences");
    let min2 = extract_json(&[seeds().as_os_str(), "--min-weight".as_ref(), "2".as_ref()]);
    let after = co(&min2);
    assert!(!after.is_empty());
    assert!(after.iter().all(|&w| w >= 2), "{after:?}");
    assert_eq!(
        after.len(),
        before.iter().filter(|&&w| w >= 2).count(),
        "only weight-1 edges dropped"
    );
    // Typed edges are not filtered by --min-weight.
    let typed = |v: &Value| {
        v["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["relation"] != "co_occurs_with")
            .count()
    };
    assert_eq!(typed(&all), typed(&min2));
}

// ---------------------------------------------------------------------------- gazetteer

#[test]
fn gazetteer_check_default_and_custom() {
    silkgraph()
        .args(["gazetteer", "check"])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"ok: \d+ entities, \d+ aliases").unwrap());
    let tmp = TempDir::new().unwrap();
    let gaz = custom_gazetteer(tmp.path());
    silkgraph()
        .args(["gazetteer", "check"])
        .arg(&gaz)
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: 2 entities"));
    silkgraph()
        .args(["gazetteer", "check", "--with-default"])
        .arg(&gaz)
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"ok: \d{3,} entities").unwrap());
}

#[test]
fn gazetteer_stats() {
    let (stdout, _) = run_ok(["gazetteer", "stats"]);
    let s = String::from_utf8(stdout).unwrap();
    for t in [
        "country",
        "organization",
        "corridor",
        "weapon",
        "place",
        "total",
    ] {
        assert!(
            s.lines().any(|l| l.split_whitespace().next() == Some(t)),
            "no {t} row:\n{s}"
        );
    }
    let tmp = TempDir::new().unwrap();
    let gaz = custom_gazetteer(tmp.path());
    let (stdout, _) = run_ok([
        "gazetteer".as_ref(),
        "stats".as_ref(),
        "--no-default-gazetteer".as_ref(),
        "--gazetteer".as_ref(),
        gaz.as_os_str(),
    ]);
    let s = String::from_utf8(stdout).unwrap();
    let total = s
        .lines()
        .find(|l| l.starts_with("total"))
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>();
    assert_eq!(total[1], "2", "two custom entities:\n{s}");
}

#[test]
fn gazetteer_lookup() {
    let (stdout, _) = run_ok(["gazetteer", "lookup", "Islamabad"]);
    let s = String::from_utf8(stdout).unwrap();
    assert!(
        s.lines()
            .any(|l| l.starts_with("country:pakistan\t") && l.contains("kind=capital")),
        "{s}"
    );
    let (stdout, _) = run_ok(["gazetteer", "lookup", "J-10C"]);
    assert!(String::from_utf8(stdout)
        .unwrap()
        .starts_with("weapon:j-10c\t"));
    silkgraph()
        .args(["gazetteer", "lookup", "Pakistn"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Pakistan"));
}

#[test]
fn gazetteer_list_jsonl_and_tsv() {
    let (stdout, _) = run_ok(["gazetteer", "list"]);
    let s = String::from_utf8(stdout).unwrap();
    let mut found = false;
    let mut n = 0;
    for line in s.lines() {
        let v: Value = serde_json::from_str(line).expect("JSONL");
        for k in ["alias", "entity", "name", "type", "kind", "case_sensitive"] {
            assert!(v.get(k).is_some(), "{k} missing in {line}");
        }
        found |= v["alias"] == "Pakistan" && v["entity"] == "country:pakistan";
        n += 1;
    }
    assert!(found && n > 500, "{n} aliases");
    let (stdout, _) = run_ok(["gazetteer", "list", "--format", "tsv"]);
    let s = String::from_utf8(stdout).unwrap();
    assert_eq!(s.lines().count(), n, "same aliases in both formats");
    assert!(s.lines().all(|l| l.split('\t').count() == 5));
    assert!(s
        .lines()
        .any(|l| l == "US\tcountry:united-states\tcountry\tacronym\tcs"));
}
