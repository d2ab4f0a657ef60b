//! Hostile and unusual input: every file a user hands `extract` is read whole (nothing lost),
//! decoded or reported (no silent wrong answer), and analysed in bounded work and memory.
//! The bounds are checked structurally (warnings, piece sizes, evidence counts), never by
//! timing.

mod common;

use std::collections::BTreeSet;

use common::{run_ok, write};
use serde_json::Value;
use silkgraph::graph::DEFAULT_MAX_EVIDENCE;
use silkgraph::pipeline::{MAX_SENTENCE_BYTES, MAX_SENTENCE_MENTIONS};
use tempfile::TempDir;

fn extract_json(args: &[&str]) -> (Value, String) {
    let mut all = vec!["extract", "--format", "json"];
    all.extend_from_slice(args);
    let (stdout, stderr) = run_ok(all);
    (
        serde_json::from_slice(&stdout).expect("JSON output"),
        stderr,
    )
}

fn edges(v: &Value) -> &Vec<Value> {
    v["edges"].as_array().unwrap()
}

fn edge<'a>(v: &'a Value, source: &str, relation: &str, target: &str) -> &'a Value {
    edges(v)
        .iter()
        .find(|e| e["source"] == source && e["relation"] == relation && e["target"] == target)
        .unwrap_or_else(|| panic!("no edge {source} {relation} {target}"))
}

fn evidence_docs(v: &Value) -> BTreeSet<String> {
    edges(v)
        .iter()
        .flat_map(|e| e["evidence"].as_array().unwrap())
        .map(|ev| ev["doc"].as_str().unwrap().to_string())
        .collect()
}

/// Country names of the embedded gazetteer (canonical names only), sorted.
fn country_names() -> Vec<String> {
    let (out, _) = run_ok(["gazetteer", "list", "--format", "tsv"]);
    let mut names: Vec<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 4 && f[2] == "country" && f[3] == "name" && !f[0].contains(['.', ',']))
                .then(|| (f[1].to_string(), f[0].to_string()))
        })
        // One name per country.
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_values()
        .collect();
    names.sort();
    names
}

/// A one-line list "sentence" of 150 KB is analysed in pieces no longer than the limit, with
/// a warning, and still gives the co-occurrence of its names.
#[test]
fn a_huge_list_sentence_is_analysed_in_bounded_pieces() {
    let tmp = TempDir::new().unwrap();
    let text = "Russia, China, Iran, Pakistan, India, ".repeat(4000);
    write(tmp.path(), "list.txt", &text);
    let (v, stderr) = extract_json(&[tmp.path().join("list.txt").to_str().unwrap()]);
    assert!(
        stderr.contains("over-long sentence") && stderr.contains("pieces"),
        "{stderr}"
    );
    let co = edge(&v, "country:china", "co_occurs_with", "country:russia");
    assert!(co["weight"].as_u64().unwrap() > 1, "{co}");
    for e in edges(&v) {
        for ev in e["evidence"].as_array().unwrap() {
            let len = ev["end"].as_u64().unwrap() - ev["start"].as_u64().unwrap();
            assert!(len as usize <= MAX_SENTENCE_BYTES, "{ev}");
            let (s, t) = (ev["start"].as_u64().unwrap(), ev["end"].as_u64().unwrap());
            let piece = &text[s as usize..t as usize];
            assert_eq!(piece, piece.trim(), "pieces are trimmed");
        }
    }
}

/// One sentence in which 60 countries supply 60 others: the relation stage sees pieces of at
/// most MAX_SENTENCE_MENTIONS mentions, so the typed edges are bounded by the piece size, not
/// by the square of the list.
#[test]
fn a_sentence_naming_many_entities_gives_bounded_edges() {
    let names = country_names();
    assert!(names.len() >= 120, "{} countries", names.len());
    let sentence = format!(
        "{} supply arms to {}.",
        names[..60].join(", "),
        names[60..120].join(", ")
    );
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "many.txt", &sentence);
    let (v, stderr) = extract_json(&[tmp.path().join("many.txt").to_str().unwrap()]);
    assert!(stderr.contains("over-long sentence"), "{stderr}");
    let typed = edges(&v)
        .iter()
        .filter(|e| e["relation"] != "co_occurs_with")
        .count();
    let m = MAX_SENTENCE_MENTIONS;
    assert!(typed <= m * m / 4, "{typed} typed edges");
    // Co-occurrence pairs stay within a piece.
    let co = edges(&v).len() - typed;
    let pieces = 120usize.div_ceil(m / 2);
    assert!(co <= pieces * m * (m - 1) / 2, "{co} co-occurrence edges");
    for e in edges(&v) {
        let ev = &e["evidence"][0];
        let mentions = ev["end"].as_u64().unwrap() - ev["start"].as_u64().unwrap();
        assert!(mentions as usize <= MAX_SENTENCE_BYTES);
    }
}

/// Evidence per edge is capped (first entries in corpus order), the total is kept, and the
/// weight stays the exact count of distinct sentences.
#[test]
fn evidence_is_capped_per_edge_with_the_total_kept() {
    let tmp = TempDir::new().unwrap();
    let n = DEFAULT_MAX_EVIDENCE + 10;
    let text: String = (0..n)
        .map(|i| format!("In {}, China supplied J-10C jets to Pakistan.\n", 1960 + i))
        .collect();
    let f = write(tmp.path(), "cap.txt", &text);
    let path = f.to_str().unwrap();
    let (v, _) = extract_json(&[path]);
    let e = edge(&v, "country:china", "supplies_arms_to", "country:pakistan");
    assert_eq!(e["weight"], n as u64, "{e}");
    let ev = e["evidence"].as_array().unwrap();
    assert_eq!(ev.len(), DEFAULT_MAX_EVIDENCE);
    assert_eq!(e["evidence_omitted"], 10);
    // The first sentences are the ones kept.
    let kept: Vec<u64> = ev.iter().map(|x| x["sentence"].as_u64().unwrap()).collect();
    assert_eq!(kept, (0..DEFAULT_MAX_EVIDENCE as u64).collect::<Vec<_>>());

    let (v, _) = extract_json(&[path, "--max-evidence", "3"]);
    let e = edge(&v, "country:china", "supplies_arms_to", "country:pakistan");
    assert_eq!(e["evidence"].as_array().unwrap().len(), 3);
    assert_eq!(e["evidence_omitted"], n as u64 - 3);
    assert_eq!(e["weight"], n as u64);

    // GraphML counts every entry, kept or not.
    let (out, _) = run_ok([
        "extract",
        "--format",
        "graphml",
        "--max-evidence",
        "3",
        path,
    ]);
    let xml = String::from_utf8(out).unwrap();
    assert!(
        xml.contains(&format!("<data key=\"evidence_count\">{n}</data>")),
        "no evidence_count {n}"
    );

    // Below the cap nothing is omitted and the field is absent.
    let (v, _) = extract_json(&[path, "--max-evidence", "1000"]);
    let e = edge(&v, "country:china", "supplies_arms_to", "country:pakistan");
    assert_eq!(e["evidence"].as_array().unwrap().len(), n);
    assert!(e.get("evidence_omitted").is_none(), "{e}");
}

/// `unmatched` holds one bounded example per candidate: a long sentence of untagged names
/// does not copy itself into every row.
#[test]
fn unmatched_examples_are_bounded() {
    let tmp = TempDir::new().unwrap();
    let word = |i: usize| -> String {
        let mut s = String::from("Q");
        let mut k = i;
        for _ in 0..4 {
            s.push((b'a' + (k % 26) as u8) as char);
            k /= 26;
        }
        s
    };
    let text: String = (0..3000)
        .map(|i| format!("{} Varrow, ", word(i)))
        .collect::<String>()
        + "end.";
    write(tmp.path(), "names.txt", &text);
    let (out, _) = run_ok([
        "unmatched",
        "--format",
        "json",
        "--limit",
        "0",
        tmp.path().join("names.txt").to_str().unwrap(),
    ]);
    let v: Value = serde_json::from_slice(&out).unwrap();
    let rows = v.as_array().expect("rows");
    assert!(rows.len() > 1000, "{} rows", rows.len());
    for r in rows {
        let ex = r["example"].as_str().unwrap();
        assert!(ex.len() <= MAX_SENTENCE_BYTES, "{} bytes", ex.len());
        assert!(ex.contains(r["phrase"].as_str().unwrap()), "{r}");
    }
}

/// A UTF-8 byte order mark does not hide the first JSONL record.
#[test]
fn a_bom_does_not_drop_the_first_jsonl_record() {
    let tmp = TempDir::new().unwrap();
    let f = write(
        tmp.path(),
        "bom.jsonl",
        "\u{FEFF}{\"id\":\"first\",\"text\":\"China supplies arms to Pakistan.\"}\n\
         {\"id\":\"second\",\"text\":\"India and Armenia signed a defence deal.\"}\n",
    );
    let (v, stderr) = extract_json(&[f.to_str().unwrap()]);
    assert_eq!(v["graph"]["documents"], 2, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    assert_eq!(
        evidence_docs(&v),
        ["first", "second"].map(String::from).into()
    );
}

/// A lone surrogate escape in JSONL becomes U+FFFD (with a warning) instead of losing the
/// document.
#[test]
fn a_lone_surrogate_keeps_its_document() {
    let tmp = TempDir::new().unwrap();
    let f = write(
        tmp.path(),
        "sur.jsonl",
        "{\"id\":\"s\",\"text\":\"China \\ud800 supplies arms to Pakistan. \\udc00\\ud83d\\ude00\"}\n\
         {\"id\":\"pair\",\"text\":\"Iran \\ud83d\\ude00 and Iraq met. Escaped \\\\ud800 stays.\"}\n",
    );
    let (v, stderr) = extract_json(&[f.to_str().unwrap()]);
    assert_eq!(v["graph"]["documents"], 2, "{stderr}");
    assert!(stderr.contains("surrogate"), "{stderr}");
    assert!(evidence_docs(&v).contains("s"));
    let e = edge(&v, "country:china", "supplies_arms_to", "country:pakistan");
    assert_eq!(e["evidence"][0]["doc"], "s");
    // The text kept its characters: the evidence text holds U+FFFD where the surrogate was.
    let t = e["evidence"][0]["text"].as_str().unwrap();
    assert!(t.contains("China \u{FFFD} supplies"), "{t}");
    // A valid pair and an escaped backslash are left alone.
    let (out, _) = run_ok(["tag", f.to_str().unwrap()]);
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("Iran \u{1F600} and Iraq"), "{out}");
    assert!(out.contains("\\\\ud800"), "{out}");
    assert!(out.contains("\u{FFFD}\u{1F600}"), "{out}");
}

/// UTF-16 text with a byte order mark (either order) is decoded, not skipped as binary.
#[test]
fn utf16_with_a_bom_is_decoded() {
    let tmp = TempDir::new().unwrap();
    let text = "China supplies J-10C jets to Pakistan.\nIndia and Türkiye signed a deal.\n";
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in text.encode_utf16() {
        le.extend(u.to_le_bytes());
        be.extend(u.to_be_bytes());
    }
    write(tmp.path(), "le.txt", &le);
    write(tmp.path(), "be.txt", &be);
    let (v, stderr) = extract_json(&[tmp.path().to_str().unwrap()]);
    assert!(!stderr.contains("binary"), "{stderr}");
    assert!(stderr.contains("UTF-16"), "{stderr}");
    assert_eq!(v["graph"]["documents"], 2);
    let e = edge(&v, "country:china", "supplies_arms_to", "country:pakistan");
    assert_eq!(e["weight"], 1, "the two copies are one sentence");
    assert_eq!(e["evidence"].as_array().unwrap().len(), 2);
    assert!(v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["id"] == "country:turkiye"));
}

/// Document ids holding the separators of evidence strings are percent-encoded there, so
/// `doc#sentence@start-end; ...` splits back unambiguously.
#[test]
fn evidence_strings_escape_document_ids() {
    let tmp = TempDir::new().unwrap();
    let f = write(
        tmp.path(),
        "ids.jsonl",
        "{\"id\":\"a; b#c@d%e\",\"text\":\"China supplies arms to Pakistan.\"}\n\
         {\"id\":\"plain\",\"text\":\"China supplies arms to Pakistan.\"}\n",
    );
    let (out, _) = run_ok(["extract", "--format", "graphml", f.to_str().unwrap()]);
    let xml = String::from_utf8(out).unwrap();
    assert!(
        xml.contains("a%3B b%23c%40d%25e#0@0-32; plain#0@0-32"),
        "{}",
        xml.lines()
            .filter(|l| l.contains("key=\"evidence\""))
            .collect::<Vec<_>>()
            .join("\n")
    );
    // JSON keeps the id as it is.
    let (v, _) = extract_json(&[f.to_str().unwrap()]);
    assert!(evidence_docs(&v).contains("a; b#c@d%e"));
}

/// Many small documents give the same graph with one and with two threads (they travel in
/// batches when there are several workers).
#[test]
fn small_documents_in_batches_give_the_same_graph() {
    let tmp = TempDir::new().unwrap();
    let lines: String = (0..3000)
        .map(|i| {
            format!(
                "{{\"id\":\"d{i}\",\"text\":\"In {}, China sold arms to Pakistan and Iran met India.\"}}\n",
                1900 + i % 150
            )
        })
        .collect();
    let f = write(tmp.path(), "small.jsonl", &lines);
    let one = run_ok([
        "extract",
        "--format",
        "json",
        "--threads",
        "1",
        f.to_str().unwrap(),
    ])
    .0;
    let two = run_ok([
        "extract",
        "--format",
        "json",
        "--threads",
        "2",
        f.to_str().unwrap(),
    ])
    .0;
    assert!(one == two, "outputs differ between 1 and 2 threads");
    let v: Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(v["graph"]["documents"], 3000);
}
