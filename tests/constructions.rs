//! Construction cases: short news-style sentences, each with the relations it must and must
//! not yield, in `tests/constructions/*.txt` (one file per pattern family).
//!
//! ```text
//! # comment lines start with '#'; a blank line ends a case
//! > The sentence (or few sentences) of one case, on one or more lines starting with '>'
//! + Source Name | relation | Target Name            (must be produced)
//! + Source Name | relation | Target Name | agreed   (... with this status)
//! - Source Name | relation | Target Name            (must NOT be produced)
//! ```
//!
//! Names are node labels (gazetteer entity names); symmetric relations match in either
//! direction. Every case is one document analysed through the library with the default
//! gazetteer, and every failing case is reported at once.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use silkgraph::corpus::Document;
use silkgraph::pipeline::{GazetteerConfig, Pipeline};

/// One expectation: a triple (and maybe a status) that must or must not be produced.
struct Expect {
    line: usize,
    present: bool,
    source: String,
    relation: String,
    target: String,
    status: Option<String>,
}

struct Case {
    file: String,
    line: usize,
    text: String,
    expects: Vec<Expect>,
}

fn parse_file(path: &Path, cases: &mut Vec<Case>, errors: &mut Vec<String>) {
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let content = std::fs::read_to_string(path).expect("read construction file");
    let mut current: Option<Case> = None;
    let finish = |c: Option<Case>, cases: &mut Vec<Case>, errors: &mut Vec<String>| {
        if let Some(c) = c {
            if c.text.is_empty() || c.expects.is_empty() {
                errors.push(format!(
                    "{}:{}: a case needs '>' text and at least one '+' or '-' line",
                    c.file, c.line
                ));
            } else {
                cases.push(c);
            }
        }
    };
    for (i, raw) in content.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.starts_with('#') {
            continue;
        }
        if l.is_empty() {
            finish(current.take(), cases, errors);
            continue;
        }
        let case = current.get_or_insert_with(|| Case {
            file: file.clone(),
            line,
            text: String::new(),
            expects: Vec::new(),
        });
        if let Some(t) = l.strip_prefix('>') {
            if !case.expects.is_empty() {
                errors.push(format!("{file}:{line}: '>' text after the expectations"));
            }
            if !case.text.is_empty() {
                case.text.push(' ');
            }
            case.text.push_str(t.trim());
        } else if let Some((sign, rest)) = l
            .strip_prefix('+')
            .map(|r| (true, r))
            .or_else(|| l.strip_prefix('-').map(|r| (false, r)))
        {
            let parts: Vec<&str> = rest.split('|').map(str::trim).collect();
            if !(parts.len() == 3 || (parts.len() == 4 && sign))
                || parts.iter().any(|p| p.is_empty())
            {
                errors.push(format!(
                    "{file}:{line}: expected 'Source | relation | Target' (a '+' line may add '| status')"
                ));
                continue;
            }
            case.expects.push(Expect {
                line,
                present: sign,
                source: parts[0].to_string(),
                relation: parts[1].to_string(),
                target: parts[2].to_string(),
                status: parts.get(3).map(|s| s.to_string()),
            });
        } else {
            errors.push(format!(
                "{file}:{line}: a line must start with '#', '>', '+' or '-'"
            ));
        }
    }
    finish(current.take(), cases, errors);
}

fn construction_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/constructions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/constructions exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn constructions() {
    let p = Pipeline::load(&GazetteerConfig::default()).expect("default pipeline");
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    let files = construction_files();
    assert!(!files.is_empty(), "no tests/constructions/*.txt");
    for f in &files {
        parse_file(f, &mut cases, &mut errors);
    }
    let names: std::collections::HashSet<&str> = p
        .gazetteer
        .entities
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    let relations: Vec<&str> = p
        .rules
        .relations()
        .iter()
        .map(|d| d.name.as_str())
        .collect();

    let mut failures = String::new();
    let mut failed = 0;
    let mut checks = 0;
    for case in &cases {
        let a = p.analyse(Document::new("case", case.text.clone()), true);
        // (source, relation, target, status, rule) of every relation produced.
        let got: Vec<(String, String, String, Option<&str>, String)> = a
            .sentences
            .iter()
            .flat_map(|s| s.relations.iter())
            .map(|h| {
                (
                    p.gazetteer.entity(h.source).name.clone(),
                    p.rules.relation(h.relation).name.clone(),
                    p.gazetteer.entity(h.target).name.clone(),
                    h.status.map(|s| s.as_str()),
                    h.rule.clone(),
                )
            })
            .collect();
        let mut wrong = Vec::new();
        for e in &case.expects {
            checks += 1;
            for n in [&e.source, &e.target] {
                if !names.contains(n.as_str()) {
                    wrong.push(format!("line {}: unknown node label {n:?}", e.line));
                }
            }
            if !relations.contains(&e.relation.as_str()) {
                wrong.push(format!(
                    "line {}: unknown relation {:?}",
                    e.line, e.relation
                ));
                continue;
            }
            let symmetric = p
                .rules
                .relations()
                .iter()
                .any(|d| d.name == e.relation && d.symmetric);
            let matching: Vec<_> = got
                .iter()
                .filter(|g| {
                    g.1 == e.relation
                        && ((g.0 == e.source && g.2 == e.target)
                            || (symmetric && g.0 == e.target && g.2 == e.source))
                })
                .collect();
            let ok = if e.present {
                matching
                    .iter()
                    .any(|g| e.status.as_deref().is_none_or(|s| g.3 == Some(s)))
            } else {
                matching.is_empty()
            };
            if !ok {
                let status = e
                    .status
                    .as_deref()
                    .map(|s| format!(" | {s}"))
                    .unwrap_or_default();
                wrong.push(format!(
                    "line {}: {} {} | {} | {}{status}",
                    e.line,
                    if e.present { "missing" } else { "unwanted" },
                    e.source,
                    e.relation,
                    e.target
                ));
            }
        }
        if !wrong.is_empty() {
            failed += 1;
            let _ = writeln!(failures, "\n{}:{}: {}", case.file, case.line, case.text);
            for w in &wrong {
                let _ = writeln!(failures, "    {w}");
            }
            let _ = writeln!(failures, "  produced:");
            for g in &got {
                let status = g.3.map(|s| format!(" | {s}")).unwrap_or_default();
                let _ = writeln!(
                    failures,
                    "    {} | {} | {}{status}   [{}]",
                    g.0, g.1, g.2, g.4
                );
            }
        }
    }
    eprintln!(
        "constructions: {} cases, {checks} checks in {} files; {failed} cases failing",
        cases.len(),
        files.len()
    );
    assert!(
        errors.is_empty() && failed == 0,
        "{}{}\n{failed} of {} cases failing",
        errors.join("\n"),
        failures,
        cases.len()
    );
}
