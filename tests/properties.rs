//! Property tests of the matcher through `Pipeline::analyse`: on random text made of gazetteer
//! aliases, punctuation, letters, digits and spaces, every mention lies on char and word
//! boundaries, mentions never overlap, and each lies inside its sentence.

use std::sync::LazyLock;

use proptest::prelude::*;
use silkgraph::corpus::Document;
use silkgraph::pipeline::Pipeline;
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
