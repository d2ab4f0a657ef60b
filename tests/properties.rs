//! Property tests through the library API. The matcher (`Pipeline::analyse`): on random text
//! made of gazetteer aliases, punctuation, letters, digits and spaces, every mention lies on
//! char and word boundaries, mentions never overlap, and each lies inside its sentence. The
//! reader, the sentence splitter, and matching with relations: on arbitrary (hostile) bytes
//! they never panic and answer the same twice. Over-long sentences are cut within the limits.
//! `bench/proptest-long.sh` runs them with many more cases before a release.

use std::sync::LazyLock;

use proptest::prelude::*;
use silkgraph::corpus::{self, Document, Item, Source};
use silkgraph::pipeline::Pipeline;
use silkgraph::pipeline::{MAX_SENTENCE_BYTES, MAX_SENTENCE_MENTIONS};
use silkgraph::text::Folded;

static PIPELINE: LazyLock<Pipeline> =
    LazyLock::new(|| Pipeline::load(&Default::default()).expect("default gazetteer loads"));

const ALIASES: &[&str] = &[
    "Pakistan",
    "China",
    "U.S.",
    "US",
    "J-10C",
    "JF-17 Thunder",
    "Türkiye",
    "Islamabad",
    "Pakistani",
    "Chinese",
];
const PUNCT: &[&str] = &["’", "–", "-", ".", ",", "'", "\"", "“", "”", "—"];
const LETTERS: &[&str] = &["s", "a", "S", "n", "x", "é", "ü", "İ", "ß", "Z"];

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(ALIASES).prop_map(str::to_string),
        3 => proptest::sample::select(PUNCT).prop_map(str::to_string),
        3 => proptest::collection::vec(proptest::sample::select(LETTERS), 1..4)
            .prop_map(|v| v.concat()),
        1 => "[0-9]{1,3}",
        4 => Just(" ".to_string()),
        1 => Just("\n".to_string()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(token(), 0..40).prop_map(|v| v.concat())
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let p = &*PIPELINE;
    let a = p.analyse(Document::new("prop", text), false);
    prop_assert_eq!(&a.text, text);
    let mut prev_end = 0usize;
    let mut prev_sentence_end = 0usize;
    for s in &a.sentences {
        let (ss, se) = (s.span.start, s.span.end);
        prop_assert!(ss < se && se <= text.len(), "sentence span {}..{}", ss, se);
        prop_assert!(text.is_char_boundary(ss) && text.is_char_boundary(se));
        prop_assert!(ss >= prev_sentence_end, "sentences overlap at {}", ss);
        prev_sentence_end = se;
        for m in &s.mentions {
            prop_assert!(m.start < m.end, "empty mention {:?}", m);
            prop_assert!(
                text.is_char_boundary(m.start) && text.is_char_boundary(m.end),
                "mention {:?} splits a char",
                m
            );
            prop_assert!(
                ss <= m.start && m.end <= se,
                "mention {:?} outside its sentence {}..{}",
                m,
                ss,
                se
            );
            prop_assert!(m.start >= prev_end, "mentions overlap: {:?}", m);
            prev_end = m.end;
            let surface = &text[m.start..m.end];
            let first = surface.chars().next().unwrap();
            let last = surface.chars().next_back().unwrap();
            if first.is_alphanumeric() {
                if let Some(before) = text[..m.start].chars().next_back() {
                    prop_assert!(
                        !before.is_alphanumeric(),
                        "mention {:?} ({:?}) starts inside a word",
                        m,
                        surface
                    );
                }
            }
            if last.is_alphanumeric() {
                if let Some(after) = text[m.end..].chars().next() {
                    prop_assert!(
                        !after.is_alphanumeric(),
                        "mention {:?} ({:?}) ends inside a word",
                        m,
                        surface
                    );
                }
            }
        }
    }

    Ok(())
}

/// The matcher itself (before mentions are assigned to sentences) only finds mentions that
/// lie inside a sentence: otherwise `analyse` silently drops them.
fn check_raw(text: &str) -> Result<(), TestCaseError> {
    let p = &*PIPELINE;
    let a = p.analyse(Document::new("prop", text), false);
    let spans: Vec<_> = a.sentences.iter().map(|s| s.span).collect();
    let raw = p
        .matcher
        .find(&p.gazetteer, text, &spans, &mut Folded::default());
    let mut prev_end = 0usize;
    for m in &raw {
        prop_assert!(m.start >= prev_end, "raw mentions overlap: {:?}", m);
        prev_end = m.end;
        prop_assert!(
            spans.iter().any(|s| s.start <= m.start && m.end <= s.end),
            "raw mention {:?} ({:?}) lies in no sentence: {:?}",
            m,
            &text[m.start..m.end],
            spans
                .iter()
                .map(|s| &text[s.start..s.end])
                .collect::<Vec<_>>()
        );
    }
    Ok(())
}

fn config() -> ProptestConfig {
    ProptestConfig {
        // PROPTEST_CASES=5000 for a longer hunt.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(200),
        // Do not write regression files into the repository; found cases go into
        // `fixed_examples` by hand.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mentions_lie_on_char_and_word_boundaries(t in text()) {
        check(&t)?;
    }

    #[test]
    fn matcher_mentions_lie_inside_sentences(t in text()) {
        check_raw(&t)?;
    }
}

/// Byte order marks (UTF-16 LE and BE, UTF-8), NUL and a cut UTF-8 sequence.
const ODD_BYTES: &[&[u8]] = &[
    &[0xFF, 0xFE],
    &[0xFE, 0xFF],
    &[0xEF, 0xBB, 0xBF],
    &[0],
    &[0xC3],
];

/// Arbitrary bytes, biased towards what breaks readers: UTF-8 and UTF-16 byte order marks,
/// NUL, broken UTF-8, JSON punctuation, surrogate escapes, line breaks and aliases.
fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        3 => proptest::collection::vec(any::<u8>(), 0..8),
        2 => proptest::sample::select(ALIASES).prop_map(|s| s.as_bytes().to_vec()),
        2 => proptest::sample::select(&[
            "\u{FEFF}", "\n", "\r\n", ", ", "; ", ". ", "{\"text\":\"", "\"}\n",
            "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\", "\"id\":", "#", "@", "%",
        ][..])
        .prop_map(|s| s.as_bytes().to_vec()),
        1 => proptest::sample::select(ODD_BYTES).prop_map(<[u8]>::to_vec),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// Read `bytes` as a text file and as a JSONL file (parts of 1 KiB so the part reader runs
/// too): the items, in order, as strings.
fn read_all(bytes: &[u8]) -> Vec<String> {
    let dir = tempfile::TempDir::new().unwrap();
    let mut out = Vec::new();
    for (name, jsonl) in [("t.txt", false), ("t.jsonl", true)] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let src = if jsonl {
            Source::Jsonl {
                path,
                id: name.into(),
            }
        } else {
            Source::Text {
                path,
                id: name.into(),
            }
        };
        let r = corpus::for_each_item_in_parts(&src, 1024, &mut |item| {
            out.push(match item {
                Item::Doc(d) => format!("doc {} {} {} {:?}", d.id, d.offset, d.continues, d.text),
                // Warnings name the temporary path: keep what follows it.
                Item::Warning(w) => format!("warning{}", &w[w.find(name).unwrap_or(0)..]),
            });
            Ok(())
        });
        assert!(r.is_ok(), "{r:?}");
    }
    out
}

/// The analysis of `text` as a comparable string (sentences, mentions, relations).
fn analysis(text: &str) -> String {
    let a = PIPELINE.analyse(Document::new("prop", text), true);
    format!("{:?} {:?}", a.sentences, a.cut)
}

fn alias_list() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (
            proptest::sample::select(ALIASES),
            proptest::sample::select(&[", ", " ", "; ", " and ", " sold arms to ", ""][..]),
        ),
        0..300,
    )
    .prop_map(|v| v.into_iter().map(|(a, p)| format!("{a}{p}")).collect())
}

proptest! {
    #![proptest_config(config())]

    /// The reader never panics and reads the same bytes the same way.
    #[test]
    fn reader_takes_any_bytes(bytes in hostile_bytes()) {
        let first = read_all(&bytes);
        prop_assert_eq!(first, read_all(&bytes));
    }

    /// Sentence spans are ordered, non-empty, trimmed, on char boundaries, whatever the text.
    #[test]
    fn splitter_spans_are_sound(bytes in hostile_bytes()) {
        let text = String::from_utf8_lossy(&bytes);
        for line in text.split('\n') {
            let mut spans = Vec::new();
            silkgraph::text::split_sentences(line, &mut spans);
            let mut prev = 0;
            for s in &spans {
                prop_assert!(prev <= s.start && s.start < s.end && s.end <= line.len());
                prop_assert!(line.is_char_boundary(s.start) && line.is_char_boundary(s.end));
                let t = &line[s.start..s.end];
                prop_assert_eq!(t, t.trim());
                prev = s.end;
            }
        }
    }

    /// Matching and relations never panic on any text and give the same answer twice.
    #[test]
    fn analysis_is_deterministic_on_any_text(bytes in hostile_bytes()) {
        let text = String::from_utf8_lossy(&bytes);
        prop_assert_eq!(analysis(&text), analysis(&text));
    }

    /// Long lists of names are analysed in pieces within both limits, ordered, trimmed,
    /// each holding its mentions whole.
    #[test]
    fn long_sentences_are_cut_within_the_limits(list in alias_list()) {
        let text = list.repeat(1 + 4 * MAX_SENTENCE_BYTES / (list.len() + 1));
        let a = PIPELINE.analyse(Document::new("prop", text.as_str()), true);
        let mut prev = 0;
        for (i, s) in a.sentences.iter().enumerate() {
            prop_assert_eq!(s.index, i);
            prop_assert!(prev <= s.span.start && s.span.start < s.span.end);
            prop_assert!(s.span.end - s.span.start <= MAX_SENTENCE_BYTES);
            prop_assert!(s.mentions.len() <= MAX_SENTENCE_MENTIONS);
            let t = &text[s.span.start..s.span.end];
            prop_assert_eq!(t, t.trim());
            for m in &s.mentions {
                prop_assert!(s.span.start <= m.start && m.end <= s.span.end);
            }
            prev = s.span.end;
        }
        prop_assert_eq!(a.cut.sentences > 0, a.cut.pieces > 0);
    }
}

#[test]
fn us_after_punctuation_is_found() {
    for t in [
        "’U.S.",
        "He said ’U.S. forces left.",
        "x 'U.S. forces left",
        "“U.S. officials said so.”",
        "may consolidate an anti-U.S. and anti-Israel bloc within the SCO.",
    ] {
        check_raw(t).unwrap_or_else(|e| panic!("{t:?}: {e}"));
    }
}

#[test]
fn fixed_examples() {
    for t in [
        "Pakistan’s J-10C and the India–Pakistan border.",
        "US$ 1.5 billion from the U.S. to Türkiye.",
        "İİİPakistanİ JF-17 Thunder, Islamabad’s.",
        "Pakistanis and Chinese-manufactured JF-17 Thunderbolts",
        "",
        "\n\n",
    ] {
        check(t).unwrap_or_else(|e| panic!("{t:?}: {e}"));
    }
}
