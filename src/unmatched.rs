//! What the gazetteer missed: capitalised phrases and designation-like tokens ("Su-30SM",
//! "TB2") that no alias tagged, by frequency, each with an example sentence. This is how a
//! maintainer finds what to add next.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use rustc_hash::FxHashSet;
use serde::Serialize;

use crate::corpus::{self, Item, Source};
use crate::error::Result;
use crate::matcher::COMMON_WORDS;
use crate::pipeline::Pipeline;

/// A phrase the gazetteer did not tag.
#[derive(Debug, Clone, Serialize)]
pub struct Unmatched {
    pub phrase: String,
    /// `name` (capitalised phrase) or `designation` (letters and digits: "Su-30SM").
    pub kind: &'static str,
    /// Distinct sentences it occurs in.
    pub count: u64,
    pub example_doc: String,
    pub example_sentence: usize,
    /// Shared by every phrase of the sentence (and at most a piece of
    /// [`crate::pipeline::MAX_SENTENCE_BYTES`] of an over-long one).
    pub example: std::sync::Arc<str>,
}

static WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{L}\p{N}][\p{L}\p{N}'’.\-]*").expect("word regex"));
static DESIGNATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\p{Lu}[\p{L}]{0,5}-?\p{N}{1,4}[\p{L}\p{N}]{0,4}$").expect("designation regex")
});
/// Lower-case words allowed inside a name ("Bank of China", "Sea of Azov").
const CONNECTORS: &[&str] = &[
    "of", "the", "and", "for", "de", "al", "el", "bin", "ul", "e", "i", "on",
];

/// Scan a corpus for untagged names and designations.
pub fn find_unmatched(
    p: &Pipeline,
    sources: &[Source],
    mut on_warning: impl FnMut(&str),
) -> Result<Vec<Unmatched>> {
    let mut counts: HashMap<(String, &'static str), Unmatched> = HashMap::new();
    let mut seen: FxHashSet<u64> = FxHashSet::default();
    // Sentences of the earlier parts of a document read in parts.
    let mut sentence_base = 0;
    let mut part_sentences = 0;
    for src in sources {
        corpus::for_each_item(src, &mut |item| {
            let doc = match item {
                Item::Warning(w) => {
                    on_warning(&w);
                    return Ok(());
                }
                Item::Doc(d) => d,
            };
            let a = p.analyse(doc, false);
            if let Some(w) = a.cut.warning(&a.id) {
                on_warning(&w);
            }
            sentence_base = if a.continues {
                sentence_base + part_sentences
            } else {
                0
            };
            part_sentences = a.sentences.len();
            for s in &a.sentences {
                if !seen.insert(s.key) {
                    continue;
                }
                let text = &a.text[s.span.start..s.span.end];
                let mut shared: Option<std::sync::Arc<str>> = None;
                let covered = |start: usize, end: usize| {
                    s.mentions
                        .iter()
                        .any(|m| m.start < s.span.start + end && s.span.start + start < m.end)
                };
                let mut run: Vec<(usize, usize)> = Vec::new();
                let mut found: Vec<(String, &'static str)> = Vec::new();
                let flush = |run: &mut Vec<(usize, usize)>,
                             found: &mut Vec<(String, &'static str)>| {
                    // Trim connectors and common words at both ends.
                    while let Some(&(a, b)) = run.first() {
                        let w = text[a..b].to_lowercase();
                        if CONNECTORS.contains(&w.as_str()) || COMMON_WORDS.contains(&w) {
                            run.remove(0);
                        } else {
                            break;
                        }
                    }
                    while let Some(&(a, b)) = run.last() {
                        let w = text[a..b].to_lowercase();
                        if CONNECTORS.contains(&w.as_str()) {
                            run.pop();
                        } else {
                            break;
                        }
                    }
                    if let (Some(&(a, _)), Some(&(_, b))) = (run.first(), run.last()) {
                        let phrase = text[a..b]
                            .trim_end_matches(['.', '\'', '’', '-'])
                            .to_string();
                        // One capitalised word opening the sentence is usually just that
                        // ("Similarly,"), unless it is an acronym.
                        let lone_opener =
                            a == 0 && run.len() == 1 && phrase.chars().any(|c| c.is_lowercase());
                        if phrase.chars().count() > 1 && !lone_opener {
                            found.push((phrase, "name"));
                        }
                    }
                    run.clear();
                };
                for m in WORD.find_iter(text) {
                    let w = m.as_str().trim_end_matches(['.', '\'', '’']);
                    let (start, end) = (m.start(), m.start() + w.len());
                    // "US$": a currency code, as the matcher also decides.
                    let currency = text[end..].starts_with(['$', '€', '£', '¥']);
                    if w.is_empty() || covered(start, end) || currency {
                        flush(&mut run, &mut found);
                        continue;
                    }
                    if DESIGNATION.is_match(w) && w.chars().any(|c| c.is_ascii_digit()) {
                        flush(&mut run, &mut found);
                        found.push((w.to_string(), "designation"));
                        continue;
                    }
                    let capitalised = w.chars().next().is_some_and(|c| c.is_uppercase());
                    if capitalised || (!run.is_empty() && CONNECTORS.contains(&w)) {
                        run.push((start, end));
                    } else {
                        flush(&mut run, &mut found);
                    }
                    // A sentence break inside the sentence span (a heading) ends the run.
                    if text[end..].starts_with([',', ';', ':', '(', ')']) {
                        flush(&mut run, &mut found);
                    }
                }
                flush(&mut run, &mut found);
                for (phrase, kind) in found {
                    if phrase
                        .split_whitespace()
                        .all(|w| COMMON_WORDS.contains(&w.to_lowercase()))
                    {
                        continue;
                    }
                    let e = counts
                        .entry((phrase.clone(), kind))
                        .or_insert_with(|| Unmatched {
                            phrase,
                            kind,
                            count: 0,
                            example_doc: a.id.clone(),
                            example_sentence: sentence_base + s.index,
                            example: shared.get_or_insert_with(|| text.into()).clone(),
                        });
                    e.count += 1;
                }
            }
            Ok(())
        })?;
    }
    let mut v: Vec<Unmatched> = counts.into_values().collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.phrase.cmp(&b.phrase)));
    Ok(v)
}
