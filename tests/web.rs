//! Web pages and web archives as input (issue 14): main text in, boilerplate out, ids from
//! canonical URLs and WARC-Target-URI, WARC files written by warcio and wget (committed
//! fixtures, made by tests/web/make_warc_fixtures.py), truncated and non-HTML records counted.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{repo, run_ok, silkgraph};
use serde_json::Value;
use tempfile::TempDir;

fn web(rel: &str) -> PathBuf {
    repo().join("tests/web").join(rel)
}

/// `silkgraph tag PATHS`: (doc id, sentence text) per sentence, and stderr.
fn tag(paths: &[&Path]) -> (Vec<(String, String)>, String) {
    let (out, err) = run_ok(std::iter::once(Path::new("tag")).chain(paths.iter().copied()));
    let rows = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["doc"].as_str().unwrap().to_string(),
                v["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (rows, err)
}

/// The hand-made pages and their expected text (headline, then paragraphs).
fn pages() -> Vec<(PathBuf, Vec<String>)> {
    let mut out = Vec::new();
    for e in fs::read_dir(web("pages")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "html") {
            let want = fs::read_to_string(p.with_extension("txt")).unwrap();
            out.push((p, want.lines().map(str::to_string).collect()));
        }
    }
    out.sort();
    assert!(out.len() >= 20, "{} pages", out.len());
    out
}

/// Text of the page's furniture that must never reach the sentence splitter.
const BOILERPLATE: &[&str] = &[
    "cookies",
    "Accept all",
    "newsletter",
    "Subscribe",
    "Related stories",
    "Most read",
    "You may also like",
    "More from World",
    "reader_2291",
    "Post comment",
    "Leave a comment",
    "Share on",
    "Copyright",
    "Privacy policy",
    "Photo: Staff photographer",
    "Skip to main content",
    "Advertisement",
];

#[test]
fn pages_give_their_main_text_and_nothing_around_it() {
    let all = pages();
    for (page, want) in &all {
        let (rows, _) = tag(&[page]);
        let name = page.display();
        assert!(!rows.is_empty(), "{name}: no sentence");
        let text: String = rows
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        // The headline is the first sentence.
        assert_eq!(rows[0].1, want[0], "{name}");
        // Every paragraph's first words are there.
        for para in &want[1..] {
            let head: String = para.split(' ').take(6).collect::<Vec<_>>().join(" ");
            assert!(text.contains(&head), "{name}: missing {head:?} in {text}");
        }
        for junk in BOILERPLATE {
            assert!(
                !text.contains(junk),
                "{name}: {junk:?} reached the text: {text}"
            );
        }
        // Other articles' headlines (related lists, most read, "more from") do not.
        for (other, other_want) in &all {
            if other != page {
                assert!(
                    !text.contains(other_want[0].as_str()),
                    "{name}: the headline of {} reached the text",
                    other.display()
                );
            }
        }
    }
}

#[test]
fn the_id_is_the_canonical_url_else_og_url_else_the_path() {
    let (rows, _) = tag(&[&web("pages/01-wordpress.html")]);
    assert_eq!(rows[0].0, "https://news0.example/2024/story-000");
    // The wire layout has og:url only.
    let (rows, _) = tag(&[&web("pages/04-wire.html")]);
    assert_eq!(rows[0].0, "https://news3.example/2024/story-003");
    // Without either, the path as for text files.
    let dir = TempDir::new().unwrap();
    let page = fs::read_to_string(web("pages/03-drupal.html"))
        .unwrap()
        .replace(
            r#"<link rel="canonical" href="https://news2.example/2024/story-002">"#,
            "",
        );
    fs::create_dir_all(dir.path().join("site")).unwrap();
    fs::write(dir.path().join("site/Story.HTM"), page).unwrap();
    let (rows, _) = tag(&[dir.path()]);
    assert_eq!(rows[0].0, "site/Story.HTM");
}

#[test]
fn the_publication_date_comes_from_meta_json_ld_or_time() {
    // article:published_time (WordPress layout), JSON-LD datePublished only (Arc layout),
    // <time datetime> only (wire layout).
    for (page, day, next) in [
        ("pages/01-wordpress.html", "2024-01-09", "2024-01-10"),
        ("pages/02-arc.html", "2024-01-17", "2024-01-18"),
        ("pages/04-wire.html", "2024-02-14", "2024-02-15"),
    ] {
        let path = web(page);
        let (_, err) = run_ok([
            "extract",
            "-o",
            "-",
            "--since",
            day,
            "--until",
            day,
            path.to_str().unwrap(),
        ]);
        assert!(err.contains("1 documents (1 dated)"), "{page}: {err}");
        let out = silkgraph()
            .args(["extract", "-o", "-", "--since", next])
            .arg(&path)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{page} is not dated {day}");
    }
}

#[test]
fn directories_read_pages_and_archives_with_the_text_files() {
    let dir = TempDir::new().unwrap();
    fs::copy(web("pages/02-arc.html"), dir.path().join("a.html")).unwrap();
    fs::copy(web("warc/wget.warc.gz"), dir.path().join("b.WARC.GZ")).unwrap();
    fs::write(
        dir.path().join("c.txt"),
        "Pakistan and China signed a deal.\n",
    )
    .unwrap();
    fs::write(dir.path().join("d.css"), "body{}").unwrap();
    let (rows, _) = tag(&[dir.path()]);
    let mut docs: Vec<&str> = rows.iter().map(|(d, _)| d.as_str()).collect();
    docs.dedup();
    assert_eq!(docs.len(), 1 + 3 + 1, "{docs:?}");
    assert_eq!(docs[0], "https://news1.example/2024/story-001");
    assert!(docs[1].ends_with("/03-drupal.html"), "{docs:?}");
    assert_eq!(docs[4], "c.txt");
}

#[test]
fn bad_pages_are_named_and_never_crash() {
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("bin.html"),
        b"\x89PNG\r\n\x1a\n\0\0\0garbage",
    )
    .unwrap();
    fs::write(dir.path().join("empty.htm"), "  \n").unwrap();
    let out = silkgraph()
        .args(["extract", "-o", "-"])
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bin.html: binary file"), "{err}");
    assert!(err.contains("empty.htm: empty file"), "{err}");
    // Nothing readable: the run fails, as for a corpus of empty text files.
    assert!(!out.status.success());
    assert_eq!(out.status.code(), Some(2), "{err}");
    // Broken markup is parsed as browsers do.
    let broken = dir.path().join("broken.html");
    fs::write(
        &broken,
        "<html><body><div><p>Kenya and Uganda <b><i>signed<table><tr><td>a deal.</p></div></span></html></body>",
    )
    .unwrap();
    let (rows, _) = tag(&[&broken]);
    assert!(
        rows.iter().any(|(_, t)| t.contains("Kenya and Uganda")),
        "{rows:?}"
    );
}

/// The summary line a WARC file gets.
fn warc_summary(err: &str) -> &str {
    err.lines()
        .find(|l| l.contains("web archive:"))
        .unwrap_or_else(|| panic!("no web archive summary in {err}"))
}

#[test]
fn warcio_archives_plain_and_gzip_per_record() {
    for f in ["warc/warcio.warc.gz", "warc/warcio-1.0.warc"] {
        let (rows, err) = tag(&[&web(f)]);
        let mut docs: Vec<&str> = rows.iter().map(|(d, _)| d.as_str()).collect();
        docs.dedup();
        assert_eq!(
            docs,
            [
                "https://www.example.org/news/drought",
                "https://www.example.org/news/customs",
                "https://www.example.org/news/central-bank"
            ],
            "{f}"
        );
        let text: String = rows.iter().map(|(_, t)| t.as_str()).collect();
        // Chunked and gzip-encoded: decoded; Latin-1 named in the header: decoded.
        assert!(
            text.contains("Lawmakers passed a revised customs code"),
            "{f}"
        );
        assert!(
            text.contains("Governor João Simões's statements"),
            "{f}: {text}"
        );
        assert!(!text.contains("cookies"));
        assert_eq!(
            warc_summary(&err).split(": web archive: ").nth(1),
            Some(
                "6 responses, 3 pages read (3 dated); skipped 1 not HTML, 1 truncated, \
                 1 non-2xx status; 8 other records"
            ),
            "{f}: {err}"
        );
    }
}

#[test]
fn wget_archives_are_read() {
    let (rows, err) = tag(&[&web("warc/wget.warc.gz")]);
    let mut docs: Vec<&str> = rows.iter().map(|(d, _)| d.as_str()).collect();
    docs.dedup();
    assert_eq!(docs.len(), 3, "{docs:?}");
    assert!(docs[2].starts_with("http://127.0.0.1:") && docs[2].ends_with("/05-amp.html"));
    let s = warc_summary(&err);
    assert!(
        s.contains("4 responses, 3 pages read (3 dated); skipped 1 not HTML"),
        "{s}"
    );
}

#[test]
fn a_truncated_archive_keeps_what_came_before_with_a_warning() {
    let out = silkgraph()
        .args(["extract", "-o", "-", "-f", "json"])
        .arg(web("warc/truncated.warc.gz"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("truncated.warc.gz: the file ends inside a record"),
        "{err}"
    );
    let s = warc_summary(&err);
    assert!(s.contains("3 pages read"), "{s}");
    // The cut falls in the record the crawler marked WARC-Truncated: counted once.
    assert!(s.contains("6 responses, 3 pages read"), "{s}");
    assert!(s.contains("1 truncated"), "{s}");
}

#[test]
fn a_file_named_warc_that_is_not_one_is_named_and_skipped() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("x.warc"), "just some text\n").unwrap();
    fs::write(dir.path().join("y.txt"), "Iran and Iraq signed a treaty.\n").unwrap();
    let (_, err) = run_ok([
        Path::new("extract"),
        Path::new("-o"),
        Path::new("-"),
        dir.path(),
    ]);
    assert!(err.contains("x.warc: not a WARC file"), "{err}");
}
