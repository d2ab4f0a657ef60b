//! `gazetteer check`: it refuses what `extract --gazetteer DIR` refuses (relations.toml
//! included) and the default checks quiet.

mod common;

use common::{silkgraph, write};
use tempfile::TempDir;

const ENTITY: &str = "[[entity]]\nid = \"country:zq\"\ntype = \"country\"\nname = \"Zaqland\"\n";

/// Exit code and stdout+stderr of `silkgraph ARGS`.
fn run(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let out = silkgraph().args(args).output().unwrap();
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn check_fails_where_extract_fails_on_the_rule_file() {
    let cases: [(&str, &[u8], &str); 3] = [
        ("empty", b"", "relations.toml:1:"),
        ("not UTF-8", b"\xff\xfe[[relation]]\n", "not UTF-8"),
        ("malformed", b"[[relation]\n", "relations.toml:1:"),
    ];
    for (what, rules, message) in cases {
        let tmp = TempDir::new().unwrap();
        let dir = tmp.path().join("gaz");
        write(&dir, "a.toml", ENTITY);
        write(&dir, "relations.toml", rules);
        let (code, out) = run(&["gazetteer".as_ref(), "check".as_ref(), dir.as_os_str()]);
        assert_eq!(code, Some(2), "{what}: {out}");
        assert!(
            out.contains(message) && out.contains("gazetteer check failed"),
            "{what}: {out}"
        );
        let corpus = write(tmp.path(), "doc.txt", "Zaqland exists.\n");
        let (code, out) = run(&[
            "extract".as_ref(),
            corpus.as_os_str(),
            "-q".as_ref(),
            "--gazetteer".as_ref(),
            dir.as_os_str(),
        ]);
        assert_eq!(code, Some(2), "extract, {what}: {out}");
    }
}

#[test]
fn default_gazetteer_checks_with_no_warning() {
    let (code, out) = run(&["gazetteer".as_ref(), "check".as_ref()]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains(" 0 warnings ("), "{out}");
}
