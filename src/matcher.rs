//! The matcher: finds gazetteer aliases in text.
//!
//! Aliases are found in the folded text (see [`crate::text::Folded`]), so case-insensitive
//! aliases match with Unicode folding and every dash and apostrophe variant: at each word
//! start that a bit filter lets through, the aliases whose leading word is the text's word
//! there are compared, longest first (leftmost-longest, as an aho-corasick automaton would
//! find them; the automaton itself is built only for texts the word walk cannot serve).
//! Each candidate is then checked on the *original* text: Unicode word boundaries at both
//! ends and, for case-sensitive aliases ("US", "SCO"), the exact letters. When the longest
//! candidate fails a check, shorter aliases starting at the same place are tried, so "South
//! Sudanese" still yields "South Sudan" when only that alias is listed, and
//! "Chinese-manufactured" yields "Chinese".
//!
//! Ambiguous aliases are resolved per document (`requires_any`, `context`, `priority`), and a
//! capital is read as its country when it acts and as a place when it is a location.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::error::{line_of, Error, Result};
use crate::gazetteer::{AliasKind, EntityIdx, Gazetteer};
use crate::text::{fold, is_word_char, normalise_keep_case, Folded, SentenceSpan};

/// One entity mention: a byte span of the original document text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub entity: EntityIdx,
    pub start: usize,
    pub end: usize,
    pub kind: AliasKind,
    /// Index of the alias claim in [`Gazetteer::aliases`].
    pub alias: u32,
}

#[derive(Debug, Clone)]
struct Claim {
    alias: u32,
    /// For case-sensitive claims: the exact (dash/quote-normalised) text to compare.
    exact: Option<String>,
}

/// Cue words deciding a capital's reading.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapitalCues {
    #[serde(default)]
    place_before: Vec<String>,
    #[serde(default)]
    place_after: Vec<String>,
}

impl CapitalCues {
    pub fn embedded() -> Result<Self> {
        Self::parse(
            "<embedded>/text/capital_cues.toml",
            crate::embedded::CAPITAL_CUES,
        )
    }

    pub fn parse(file: &str, text: &str) -> Result<Self> {
        let mut c: CapitalCues = toml::from_str(text).map_err(|e| {
            Error::data(
                file,
                e.span().map(|s| line_of(text, s.start)).unwrap_or(1),
                e.message().to_string(),
            )
        })?;
        c.place_before = c.place_before.iter().map(|w| fold(w)).collect();
        c.place_after = c.place_after.iter().map(|w| fold(w)).collect();
        Ok(c)
    }
}

/// The compiled matcher for one gazetteer.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// Folded alias texts (distinct), indexed by pattern number, and found by their leading
    /// word: only a pattern whose leading word is the text's word at a word start can pass
    /// the boundary checks, so the index finds what an anchored automaton search would,
    /// and builds in a fraction of its time (the automaton's failure transitions were a
    /// third of start-up).
    patterns: PhraseIndex,
    /// The automaton over all patterns, for texts the word-start walk cannot serve (see
    /// [`Matcher::candidates`]); built on first need, or at once when every text needs it.
    automaton: std::sync::OnceLock<Option<AhoCorasick>>,
    claims: Vec<Vec<Claim>>,
    cues: CapitalCues,
    /// Word-start prefilter (see [`Matcher::candidates`]). A false positive only costs one
    /// lookup.
    starts: StartFilter,
    /// The same for the aliases and the phrases other stages spot in the word walk
    /// ([`Matcher::also_visit`]): one test turns away most words for all of them (measured:
    /// with a filter test per stage and word, the tests were a tenth of the run).
    walk_gate: StartFilter,
    /// The phrases added by [`Matcher::also_visit`].
    visited_phrases: Vec<String>,
    /// Some pattern starts with a non-word character, so it can start anywhere: the word-start
    /// prefilter cannot be used and every position is tried.
    scan_everywhere: bool,
}

/// A raw match before ambiguity resolution.
struct Candidate {
    start: usize,
    end: usize,
    claims: Vec<u32>,
}

impl Matcher {
    /// Build the automaton for every alias of `gazetteer`.
    pub fn new(gazetteer: &Gazetteer, cues: CapitalCues) -> Result<Self> {
        let mut index: FxHashMap<String, usize> = FxHashMap::default();
        let mut patterns: Vec<String> = Vec::new();
        let mut claims: Vec<Vec<Claim>> = Vec::new();
        for (i, a) in gazetteer.aliases.iter().enumerate() {
            let folded = fold(&a.text);
            let p = *index.entry(folded.clone()).or_insert_with(|| {
                patterns.push(folded);
                claims.push(Vec::new());
                patterns.len() - 1
            });
            claims[p].push(Claim {
                alias: i as u32,
                exact: a.case_sensitive.then(|| normalise_keep_case(&a.text)),
            });
        }
        let mut starts = StartFilter::with_capacity(patterns.len());
        let mut scan_everywhere = false;
        for p in &patterns {
            if !starts.insert(p) {
                scan_everywhere = true;
            }
        }
        let automaton = std::sync::OnceLock::new();
        if scan_everywhere {
            // Every text takes the full scan: build now, so an error is reported at load.
            let _ = automaton.set(Some(build_automaton(patterns.iter().map(String::as_str))?));
        }
        Ok(Matcher {
            patterns: PhraseIndex::new(patterns),
            automaton,
            claims,
            cues,
            walk_gate: starts.clone(),
            starts,
            visited_phrases: Vec::new(),
            scan_everywhere,
        })
    }

    /// Also visit the word starts that may begin one of `phrases` (folded) in
    /// [`Matcher::find_visiting_words`].
    pub fn also_visit<'p>(&mut self, phrases: impl IntoIterator<Item = &'p str>) {
        self.visited_phrases
            .extend(phrases.into_iter().map(str::to_string));
        let mut gate = StartFilter::with_capacity(self.patterns.len() + self.visited_phrases.len());
        for p in self
            .patterns
            .texts()
            .chain(self.visited_phrases.iter().map(String::as_str))
        {
            gate.insert(p);
        }
        self.walk_gate = gate;
    }

    /// The automaton over all patterns, built on first use (`None` if it cannot be built).
    fn automaton(&self) -> Option<&AhoCorasick> {
        self.automaton
            .get_or_init(|| build_automaton(self.patterns.texts()).ok())
            .as_ref()
    }

    /// Number of distinct alias patterns.
    pub fn pattern_count(&self) -> usize {
        self.claims.len()
    }

    /// Find the mentions in `text` (a whole document). `sentences` are used for `context`
    /// rules; `folded` is a reusable buffer. Mentions are sorted and never overlap.
    pub fn find(
        &self,
        g: &Gazetteer,
        text: &str,
        sentences: &[SentenceSpan],
        folded: &mut Folded,
    ) -> Vec<Mention> {
        self.find_visiting_words(g, text, sentences, folded, |_, _, _, _| {})
    }

    /// [`Self::find`], also calling `on_word(folded, start, end, hash)` for the leading word
    /// ([`leading_word`]'s span and hash) of every word start of the folded text where an
    /// alias or a phrase given to [`Self::also_visit`] may begin (and a few others), in
    /// order: other stages can spot their own phrases in the same pass.
    pub fn find_visiting_words(
        &self,
        g: &Gazetteer,
        text: &str,
        sentences: &[SentenceSpan],
        folded: &mut Folded,
        mut on_word: impl FnMut(&Folded, usize, usize, u64),
    ) -> Vec<Mention> {
        folded.fold_into(text);
        let candidates = self.candidates(text, folded, &mut on_word);
        self.resolve(g, text, sentences, candidates)
    }

    fn candidates(
        &self,
        text: &str,
        f: &Folded,
        on_word: &mut impl FnMut(&Folded, usize, usize, u64),
    ) -> Vec<Candidate> {
        // The prefilter reads words in the folded text; where a character folded to nothing
        // ("China\u{AD}s") those can differ from the original's, so such (rare) texts take
        // the full scan.
        if self.scan_everywhere || f.vanished {
            // (Should the automaton fail to build, such a text takes the word-start walk.)
            if let Some(ac) = self.automaton() {
                let hay = f.text.as_bytes();
                walk_words(&f.text, |i, end, hash| {
                    if self.walk_gate.may_start(hay, end, hash) {
                        on_word(f, i, end, hash)
                    }
                });
                return self.candidates_everywhere(ac, text, f);
            }
        }
        self.candidates_prefiltered(text, f, on_word)
    }

    fn candidates_prefiltered(
        &self,
        text: &str,
        f: &Folded,
        on_word: &mut impl FnMut(&Folded, usize, usize, u64),
    ) -> Vec<Candidate> {
        // Word-start prefilter: visit each run of word characters once and look up aliases
        // only where one can be accepted. Every pattern starts with a word character, so a
        // match anywhere but a word start fails the left boundary check.
        // At a word start the text's word must equal the alias's leading word, and when the
        // alias goes on, the two bytes after that word must equal the alias's next two
        // ("the g" for "the gambia"). Most words of news text start no alias, and common
        // words that open many ("the", "new", "south") are mostly followed by the wrong
        // bytes, so few places are looked up; the result is that of a full scan.
        let hay = f.text.as_bytes();
        let mut out = Vec::new();
        let mut pos = 0;
        walk_words(&f.text, |i, end, hash| {
            if !self.walk_gate.may_start(hay, end, hash) {
                return;
            }
            on_word(f, i, end, hash);
            if i >= pos && self.starts.may_start(hay, end, hash) {
                if let Some((match_end, cand)) = self.longest_at_word(text, f, i, hash) {
                    out.push(cand);
                    pos = match_end;
                }
            }
        });
        out
    }

    /// The longest alias starting at word start `start` (folded offset; `hash` is its
    /// leading word's) that passes [`Self::check`], trying shorter ones when the longest
    /// fails.
    fn longest_at_word(
        &self,
        text: &str,
        f: &Folded,
        start: usize,
        hash: u64,
    ) -> Option<(usize, Candidate)> {
        self.patterns
            .at(f.text.as_bytes(), start, hash)
            .find_map(|id| {
                let end = start + self.patterns.text(id).len();
                let ok = self.check(text, f, id, start, end)?;
                Some((end, ok))
            })
    }

    /// [`Self::longest_at_word`] at any position, with the automaton.
    fn longest_at(
        &self,
        ac: &AhoCorasick,
        text: &str,
        f: &Folded,
        start: usize,
    ) -> Option<(usize, Candidate)> {
        let hay = f.text.as_bytes();
        let mut cand = ac.find(Input::new(hay).range(start..).anchored(Anchored::Yes));
        while let Some(c) = cand {
            if let Some(ok) = self.check(text, f, c.pattern().as_usize(), c.start(), c.end()) {
                return Some((c.end(), ok));
            }
            // Try the next shorter alias starting at the same place.
            if c.end() <= c.start() + 1 {
                break;
            }
            cand = ac.find(
                Input::new(hay)
                    .range(c.start()..c.end() - 1)
                    .anchored(Anchored::Yes),
            );
        }
        None
    }

    /// Unanchored scan trying every position: used when some alias starts with a non-word
    /// character, which the word-start prefilter would miss.
    fn candidates_everywhere(&self, ac: &AhoCorasick, text: &str, f: &Folded) -> Vec<Candidate> {
        let hay = f.text.as_bytes();
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < hay.len() {
            let Some(m) = ac.find(Input::new(hay).range(pos..)) else {
                break;
            };
            match self.longest_at(ac, text, f, m.start()) {
                Some((end, cand)) => {
                    out.push(cand);
                    pos = end;
                }
                None => {
                    // Resume at the next character after the rejected start.
                    let mut next = m.start() + 1;
                    while next < hay.len() && !f.text.is_char_boundary(next) {
                        next += 1;
                    }
                    pos = next;
                }
            }
        }
        out
    }

    /// Check a folded match against the original text: boundaries and case.
    fn check(
        &self,
        text: &str,
        f: &Folded,
        pattern: usize,
        fs: usize,
        fe: usize,
    ) -> Option<Candidate> {
        if f.splits_char(fs) || f.splits_char(fe) {
            return None;
        }
        let (start, end) = (f.orig(fs), f.orig(fe));
        let surface = &text[start..end];
        let first = surface.chars().next()?;
        let last = surface.chars().next_back()?;
        if is_word_char(first) {
            if let Some(prev) = text[..start].chars().next_back() {
                if is_word_char(prev) {
                    return None;
                }
            }
        }
        if is_word_char(last) {
            if let Some(next) = text[end..].chars().next() {
                // "US$ 1.5 billion", "HK$": a currency code, not a mention.
                if is_word_char(next) || matches!(next, '$' | '€' | '£' | '¥') {
                    return None;
                }
            }
        }
        let mut exact_surface: Option<String> = None;
        let claims: Vec<u32> = self.claims[pattern]
            .iter()
            .filter(|c| match &c.exact {
                None => true,
                Some(exact) => {
                    let s = exact_surface.get_or_insert_with(|| normalise_keep_case(surface));
                    s == exact
                }
            })
            .map(|c| c.alias)
            .collect();
        if claims.is_empty() {
            return None;
        }
        Some(Candidate { start, end, claims })
    }

    fn resolve(
        &self,
        g: &Gazetteer,
        text: &str,
        sentences: &[SentenceSpan],
        candidates: Vec<Candidate>,
    ) -> Vec<Mention> {
        // Entities named without any doubt in this document: evidence for `requires_any`.
        let mut certain: FxHashSet<EntityIdx> = FxHashSet::default();
        for c in &candidates {
            if let [only] = c.claims[..] {
                let a = &g.aliases[only as usize];
                if !a.ambiguous && !a.is_conditional() {
                    certain.insert(a.entity);
                }
            }
        }
        let spans: Vec<(usize, usize)> = candidates.iter().map(|c| (c.start, c.end)).collect();
        let mut out = Vec::with_capacity(candidates.len());
        let mut memo = HoldsMemo::default();
        for c in candidates {
            let chosen = if let [only] = c.claims[..] {
                let a = &g.aliases[only as usize];
                (!a.is_conditional()
                    || self.holds(g, only, text, sentences, c.start, &certain, &mut memo))
                .then_some(only)
            } else {
                c.claims
                    .iter()
                    .copied()
                    .filter(|&al| {
                        !g.aliases[al as usize].is_conditional()
                            || self.holds(g, al, text, sentences, c.start, &certain, &mut memo)
                    })
                    // Highest priority, then conditional (more specific) claims, then file order.
                    .max_by_key(|&al| {
                        let a = &g.aliases[al as usize];
                        (a.priority, a.is_conditional(), std::cmp::Reverse(al))
                    })
            };
            let Some(al) = chosen else { continue };
            let a = &g.aliases[al as usize];
            if a.person_name && next_to_name(text, c.start, c.end, &spans) {
                continue;
            }
            if !a.not_followed_by.is_empty() {
                let next: String = text[c.end..]
                    .trim_start()
                    .chars()
                    .take_while(|ch| is_word_char(*ch))
                    .collect();
                let next = fold(&next);
                if a.not_followed_by.contains(&next) {
                    continue;
                }
            }
            let entity = match a.place_reading {
                Some(place) if self.reads_as_place(text, c.start, c.end) => place,
                _ => a.entity,
            };
            out.push(Mention {
                entity,
                start: c.start,
                end: c.end,
                kind: a.kind,
                alias: al,
            });
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn holds(
        &self,
        g: &Gazetteer,
        alias: u32,
        text: &str,
        sentences: &[SentenceSpan],
        at: usize,
        certain: &FxHashSet<EntityIdx>,
        memo: &mut HoldsMemo,
    ) -> bool {
        let a = &g.aliases[alias as usize];
        if !a.requires_any.is_empty() && a.requires_any.iter().any(|e| certain.contains(e)) {
            return true;
        }
        if !a.context.is_empty() {
            // Sentences are sorted: find the one holding `at` by binary search.
            let i = sentences.partition_point(|s| s.end <= at);
            let (key, s) = match sentences.get(i).filter(|s| s.start <= at) {
                Some(s) => (i, &text[s.start..s.end]),
                // Without sentences the whole text is the context.
                None if sentences.is_empty() => (usize::MAX, text),
                // Outside every sentence (a skipped boilerplate line): the mention is dropped
                // anyway, so do not fold the whole document to decide it.
                None => return false,
            };
            // The answer depends only on the alias and the sentence: a long sentence naming
            // the same alias many times is folded and scanned once, not once per mention
            // (which made a 1 MB line quadratic).
            if let Some(&found) = memo.answers.get(&(key, alias)) {
                return found;
            }
            if memo.folded.as_ref().is_none_or(|f| f.0 != key) {
                memo.folded = Some((key, fold(s)));
            }
            let fs = &memo.folded.as_ref().expect("set above").1;
            let found = a.context.iter().any(|w| contains_word(fs, w));
            memo.answers.insert((key, alias), found);
            return found;
        }
        false
    }

    /// A capital is a place after a locative phrase ("in", "a visit to") or before "-based";
    /// with a possessive ("Beijing's") it is always the government.
    fn reads_as_place(&self, text: &str, start: usize, end: usize) -> bool {
        let mut after_end = text.len().min(end + 24);
        while !text.is_char_boundary(after_end) {
            after_end -= 1;
        }
        let after = fold(&text[end..after_end]);
        if after.starts_with("'s") || after.starts_with("s'") {
            return false;
        }
        if self
            .cues
            .place_after
            .iter()
            .any(|c| after.starts_with(c.as_str()))
        {
            return true;
        }
        let mut before_start = start.saturating_sub(48);
        while !text.is_char_boundary(before_start) {
            before_start += 1;
        }
        let before = fold(&text[before_start..start]);
        let before = before.split_whitespace().collect::<Vec<_>>().join(" ");
        self.cues.place_before.iter().any(|cue| {
            before
                .strip_suffix(cue.as_str())
                .is_some_and(|rest| rest.chars().next_back().is_none_or(|c| !is_word_char(c)))
        })
    }
}

/// Capitalised words that name nothing (`gazetteer/text/common_words.txt`).
pub static COMMON_WORDS: std::sync::LazyLock<FxHashSet<String>> = std::sync::LazyLock::new(|| {
    crate::embedded::COMMON_WORDS
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_lowercase())
        .filter(|l| !l.is_empty())
        .collect()
});

/// Is the span `start..end` next to a capitalised word that no other match covers, as a
/// surname after a first name ("Michael Jordan") or a first name before a surname ("Kaan
/// Yilmaz")? A capitalised word that starts a sentence does not count.
/// The leftmost-longest automaton over the folded patterns, for unanchored and anchored
/// searches anywhere in a text.
fn build_automaton<'p>(patterns: impl IntoIterator<Item = &'p str>) -> Result<AhoCorasick> {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .start_kind(StartKind::Both)
        .build(patterns)
        .map_err(|e| Error::Invalid(format!("cannot build the alias automaton: {e}")))
}

/// Call `visit(start, end, hash)` for every word start of `s`, with [`leading_word`]'s
/// length and hash of the word there.
///
/// Runs of ASCII text go 64 bytes at a time: bit masks of the word bytes give the word
/// starts and lengths, so separators cost no branch each (measured on 100 MB of news
/// text: 155 ms → 100 ms for the walk alone). A block holding other characters goes
/// character by character ([`walk_words_from`]).
#[inline]
pub(crate) fn walk_words(s: &str, mut visit: impl FnMut(usize, usize, u64)) {
    let hay = s.as_bytes();
    let mut i = 0;
    // Invariant: `i` is a char boundary and the character before it (if any) is not a
    // word character, so a word byte at `i` starts a word.
    'blocks: while i + 64 <= hay.len() {
        let (word, non_ascii) = block_masks(&hay[i..i + 64]);
        if non_ascii != 0 {
            i = walk_words_from(s, i, i + 64, &mut visit);
            continue;
        }
        let mut starts = word & !(word << 1);
        while starts != 0 {
            let k = starts.trailing_zeros() as usize;
            let len = (!(word >> k)).trailing_zeros() as usize;
            let start = i + k;
            if k + len == 64 {
                // The word may run on past the block.
                let (lead, hash) = leading_word(s, start);
                visit(start, start + lead, hash);
                i = start + lead;
                continue 'blocks;
            }
            let x = match hay.get(start..start + 8) {
                Some(chunk) => u64::from_le_bytes(chunk.try_into().expect("8 bytes")),
                None => load_le(&hay[start..start + len]),
            };
            visit(start, start + len, word_hash(x, len));
            starts &= starts - 1;
        }
        i += 64;
    }
    walk_words_from(s, i, hay.len(), &mut visit);
}

/// [`walk_words`] character by character from `i` (as in its invariant) until a word
/// start at or after `stop`; returns where it stopped (past the last word visited).
fn walk_words_from(
    s: &str,
    mut i: usize,
    stop: usize,
    visit: &mut impl FnMut(usize, usize, u64),
) -> usize {
    let hay = s.as_bytes();
    while i < stop {
        let b = hay[i];
        if b < 0x80 {
            if !is_ascii_word_byte(b) {
                i += 1;
                continue;
            }
        } else {
            let (word, len) = char_at(s, i);
            if !word {
                i += len;
                continue;
            }
        }
        let (lead, hash) = leading_word(s, i);
        visit(i, i + lead, hash);
        i += lead;
    }
    i
}

/// The high bit of each lane of `x`, gathered into the low 8 bits (lane 0 → bit 0).
#[inline(always)]
fn lane_bits(x: u64) -> u64 {
    ((x & LANE_HIGH) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Bit masks of the ASCII word bytes and of the non-ASCII bytes among `b[..64]`.
#[inline(always)]
fn block_masks(b: &[u8]) -> (u64, u64) {
    let mut word = 0;
    let mut non_ascii = 0;
    for k in 0..8 {
        let x = u64::from_le_bytes(b[8 * k..8 * k + 8].try_into().expect("8 bytes"));
        let (w, n) = ascii_word_lanes(x);
        word |= lane_bits(w) << (8 * k);
        non_ascii |= lane_bits(n) << (8 * k);
    }
    (word, non_ascii)
}

/// The hash of a word of `len` bytes whose first (up to) 8 bytes, little-endian, are the
/// low bytes of `x` (see [`leading_word`]).
#[inline(always)]
fn word_hash(x: u64, len: usize) -> u64 {
    let first = if len >= 8 {
        x
    } else {
        x & ((1u64 << (8 * len)) - 1)
    };
    first ^ ((len as u64) << 58) ^ (len as u64)
}

/// Is the character at byte `i` of `s` (a char boundary) a word character, and how long is it?
#[inline]
fn char_at(s: &str, i: usize) -> (bool, usize) {
    let b = s.as_bytes()[i];
    if b < 0x80 {
        return (is_ascii_word_byte(b), 1);
    }
    match s[i..].chars().next() {
        Some(c) => (is_word_char(c), c.len_utf8()),
        None => (false, 1),
    }
}

#[inline]
fn is_ascii_word_byte(b: u8) -> bool {
    ASCII_WORD[b as usize]
}

/// ASCII word characters for boundary checks ([`is_word_char`] on ASCII).
static ASCII_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    t
};

/// Byte length and hash of the run of word characters starting at `i`. The hash covers the
/// length and the first 8 bytes only: a collision merely costs one anchored search.
#[inline]
pub(crate) fn leading_word(s: &str, i: usize) -> (usize, u64) {
    let bytes = s.as_bytes();
    let mut j = i;
    while j < bytes.len() {
        // Eight ASCII bytes at a time; a non-ASCII byte sends that character to `char_at`.
        if let Some(chunk) = bytes.get(j..j + 8) {
            let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            let (word, non_ascii) = ascii_word_lanes(x);
            let stop = !word & LANE_HIGH;
            if stop == 0 {
                j += 8;
                continue;
            }
            let lane = stop.trailing_zeros() / 8;
            j += lane as usize;
            if non_ascii & (0x80 << (lane * 8)) == 0 {
                break;
            }
        }
        let (word, len) = char_at(s, j);
        if !word {
            break;
        }
        j += len;
    }
    let n = j - i;
    // The first (up to) 8 bytes, little-endian, zero-padded.
    let x = match bytes.get(i..i + 8) {
        Some(chunk) => u64::from_le_bytes(chunk.try_into().expect("8 bytes")),
        None => load_le(&bytes[i..i + n.min(8)]),
    };
    (n, word_hash(x, n))
}

/// Up to 8 bytes as a little-endian integer, zero-padded.
#[inline]
pub(crate) fn load_le(bytes: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    b[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(b)
}

const LANE_HIGH: u64 = 0x8080_8080_8080_8080;
const LANE_LOW: u64 = 0x0101_0101_0101_0101;

/// SWAR classification of 8 bytes: the high bit of each lane is set in the first mask when
/// the byte is an ASCII word byte (`[0-9A-Za-z_]`), in the second when it is not ASCII.
#[inline]
fn ascii_word_lanes(x: u64) -> (u64, u64) {
    let non_ascii = x & LANE_HIGH;
    // With the high bit forced on, every lane is at least 0x80, so subtracting a byte
    // value below 0x80 never borrows from the next lane: the high bit survives exactly
    // when the (ASCII) byte is >= c.
    let y = x | LANE_HIGH;
    let at_least = |c: u8| y.wrapping_sub(LANE_LOW * c as u64) & LANE_HIGH;
    let in_range = |lo: u8, hi: u8| at_least(lo) & !at_least(hi + 1);
    let z = x ^ (LANE_LOW * b'_' as u64);
    let underscore = !(((z & !LANE_HIGH) + !LANE_HIGH) | z) & LANE_HIGH;
    let word = in_range(b'a', b'z') | in_range(b'0', b'9') | in_range(b'A', b'Z') | underscore;
    (word & !non_ascii, non_ascii)
}

/// Folded phrases (aliases, reference words) found at word starts through the hash of
/// their leading word ([`leading_word`]), each with its first 8 bytes, so that one compare
/// rejects most candidates ("the two…" at "the coun…") before the byte comparison.
#[derive(Debug, Clone, Default)]
pub(crate) struct PhraseIndex {
    texts: Vec<String>,
    /// Leading-word hash → the phrases starting with that word, longest first (of equal
    /// length, the later added first).
    by_leading_word: FxHashMap<u64, Vec<IndexedPhrase>>,
}

#[derive(Debug, Clone, Copy)]
struct IndexedPhrase {
    id: u32,
    /// The first (up to) 8 bytes, little-endian, and the mask of those bytes.
    prefix: u64,
    mask: u64,
}

impl PhraseIndex {
    /// Phrases are numbered in the order given.
    pub(crate) fn new(texts: Vec<String>) -> Self {
        let mut by_leading_word: FxHashMap<u64, Vec<IndexedPhrase>> = FxHashMap::default();
        for (id, p) in texts.iter().enumerate() {
            let (_, hash) = leading_word(p, 0);
            let head = &p.as_bytes()[..p.len().min(8)];
            by_leading_word
                .entry(hash)
                .or_default()
                .push(IndexedPhrase {
                    id: id as u32,
                    prefix: load_le(head),
                    mask: load_le(&[0xFF; 8][..head.len()]),
                });
        }
        for list in by_leading_word.values_mut() {
            list.sort_by_key(|ip| {
                (
                    std::cmp::Reverse(texts[ip.id as usize].len()),
                    std::cmp::Reverse(ip.id),
                )
            });
        }
        PhraseIndex {
            texts,
            by_leading_word,
        }
    }

    pub(crate) fn text(&self, id: usize) -> &str {
        &self.texts[id]
    }

    pub(crate) fn len(&self) -> usize {
        self.texts.len()
    }

    pub(crate) fn texts(&self) -> impl Iterator<Item = &str> + Clone {
        self.texts.iter().map(String::as_str)
    }

    /// The phrases at word start `start` of `hay` (whose leading word has hash `hash`),
    /// longest first.
    #[inline]
    pub(crate) fn at<'a>(
        &'a self,
        hay: &'a [u8],
        start: usize,
        hash: u64,
    ) -> impl Iterator<Item = usize> + 'a {
        let list = self
            .by_leading_word
            .get(&hash)
            .map_or(&[][..], Vec::as_slice);
        let here = match list {
            [] => 0,
            _ => load_le(&hay[start..(start + 8).min(hay.len())]),
        };
        list.iter()
            .filter(move |ip| {
                here & ip.mask == ip.prefix
                    && hay[start..].starts_with(self.texts[ip.id as usize].as_bytes())
            })
            .map(|ip| ip.id as usize)
    }
}

/// Which word starts may open a phrase (an alias, a reference word).
#[derive(Debug, Clone)]
pub(crate) struct StartFilter {
    /// Leading words of phrases that end within a byte of that word ("china", "co.").
    word: FirstWordFilter,
    /// Leading word and the two bytes after it, for longer phrases ("the g", "j-1").
    word_and_next: FirstWordFilter,
}

impl Default for StartFilter {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl StartFilter {
    /// A filter for about `phrases` phrases.
    pub(crate) fn with_capacity(phrases: usize) -> Self {
        StartFilter {
            word: FirstWordFilter::with_capacity(phrases),
            word_and_next: FirstWordFilter::with_capacity(phrases),
        }
    }

    /// Add a folded phrase; false when it does not start with a word character (so it
    /// cannot be found at word starts).
    pub(crate) fn insert(&mut self, phrase: &str) -> bool {
        let (lead, hash) = leading_word(phrase, 0);
        match phrase.as_bytes().get(lead..lead + 2) {
            Some(&[b0, b1]) => self.word_and_next.insert(with_next(hash, b0, b1)),
            _ => self.word.insert(hash),
        }
        lead > 0
    }

    /// May a phrase start at the word of `hash` that ends at folded offset `end`?
    #[inline]
    pub(crate) fn may_start(&self, hay: &[u8], end: usize, hash: u64) -> bool {
        self.word.contains(hash)
            || matches!(hay.get(end..end + 2), Some(&[b0, b1])
                if self.word_and_next.contains(with_next(hash, b0, b1)))
    }
}

#[inline]
fn with_next(word: u64, b0: u8, b1: u8) -> u64 {
    word.rotate_left(16) ^ ((b0 as u64) << 8 | b1 as u64)
}

/// A Bloom-style bit set of leading-word hashes (one hash function), sized at about 64
/// bits per entry (a false-positive rate near 2%) and at most 2^18 bits (32 KiB): small
/// sets stay in L1 cache, where the test costs one load.
#[derive(Debug, Clone)]
struct FirstWordFilter {
    bits: Vec<u64>,
    shift: u32,
}

impl FirstWordFilter {
    fn with_capacity(entries: usize) -> Self {
        let log2 = (entries.max(1) * 64)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(9, 18);
        FirstWordFilter {
            bits: vec![0; 1 << (log2 - 6)],
            shift: 64 - log2,
        }
    }

    #[inline]
    fn index(&self, hash: u64) -> usize {
        (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    fn insert(&mut self, hash: u64) {
        let i = self.index(hash);
        self.bits[i >> 6] |= 1 << (i & 63);
    }

    #[inline]
    fn contains(&self, hash: u64) -> bool {
        let i = self.index(hash);
        self.bits[i >> 6] & (1 << (i & 63)) != 0
    }
}

fn next_to_name(text: &str, start: usize, end: usize, spans: &[(usize, usize)]) -> bool {
    let covered = |a: usize| spans.iter().any(|&(s, e)| s <= a && a < e);
    // The word before.
    let before = &text[..start];
    let trimmed = before.trim_end_matches([' ', '\u{a0}']);
    if trimmed.len() < before.len() {
        let word_start = trimmed
            .char_indices()
            .rev()
            .find(|(_, c)| !is_word_char(*c))
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(0);
        let word = &trimmed[word_start..];
        let capitalised = word.chars().next().is_some_and(|c| c.is_uppercase())
            && word.chars().skip(1).any(|c| c.is_lowercase());
        // A sentence-initial word is a name unless it is a common word ("Today Jordan").
        let common = COMMON_WORDS.contains(&word.to_lowercase());
        if capitalised && !common && !covered(word_start) {
            return true;
        }
    }
    // The word after.
    let after = &text[end..];
    let rest = after.trim_start_matches([' ', '\u{a0}']);
    if rest.len() < after.len() {
        let next_start = end + (after.len() - rest.len());
        let word: String = rest.chars().take_while(|c| is_word_char(*c)).collect();
        let capitalised = word.chars().next().is_some_and(|c| c.is_uppercase())
            && word.chars().skip(1).any(|c| c.is_lowercase());
        if capitalised && !covered(next_start) && !COMMON_WORDS.contains(&word.to_lowercase()) {
            return true;
        }
    }
    false
}

/// What [`Matcher::resolve`] learnt about context rules in one document: the folded
/// sentence last looked at, and each (sentence, alias) context answer.
#[derive(Default)]
struct HoldsMemo {
    folded: Option<(usize, String)>,
    answers: FxHashMap<(usize, u32), bool>,
}

/// Does `hay` contain `word` as a whole word (or phrase)? Both are folded.
pub fn contains_word(hay: &str, word: &str) -> bool {
    let whole = |i: usize| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + word.len()..].chars().next();
        let edge_ok = |c: Option<char>, inner: Option<char>| {
            c.is_none_or(|c| !is_word_char(c)) || inner.is_some_and(|c| !is_word_char(c))
        };
        edge_ok(before, word.chars().next()) && edge_ok(after, word.chars().next_back())
    };
    if word.is_empty() {
        return hay.match_indices(word).any(|(i, _)| whole(i));
    }
    // memchr's searcher (SIMD) finds the non-overlapping occurrences `match_indices` would;
    // they start at character boundaries, as `word` is not empty.
    memchr::memmem::find_iter(hay.as_bytes(), word.as_bytes()).any(whole)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::SourceFile;

    /// The 64-byte block walk visits exactly the words a character-by-character walk does.
    #[test]
    fn block_walk_equals_character_walk() {
        let pieces = [
            "a",
            "bc",
            "def ",
            " ",
            "  ",
            "x_y",
            "123",
            ",",
            ". ",
            "é",
            "中国",
            "’",
            "—",
            "\u{a0}",
            "İ",
            "long",
            "wordwordwordwordwordwordwordwordwordwordwordwordwordwordwordwordword",
            "\n",
            "U.S.",
            "-",
            "ü",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for round in 0..3000 {
            let mut text = String::new();
            let len = 1 + round % 400;
            while text.len() < len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                // Mostly ASCII, as in news text, sometimes other characters.
                let pick = (seed % 1000) as usize;
                let piece = if round % 3 == 0 || pick < 900 {
                    pieces[pick % 9]
                } else {
                    pieces[pick % pieces.len()]
                };
                text.push_str(piece);
            }
            let mut fast = Vec::new();
            walk_words(&text, |i, e, h| fast.push((i, e, h)));
            let mut slow = Vec::new();
            walk_words_from(&text, 0, text.len(), &mut |i, e, h| slow.push((i, e, h)));
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    #[test]
    fn context_words_are_whole_words() {
        assert!(contains_word("the eu summit", "eu"));
        assert!(!contains_word("a neutral europe", "eu"));
        assert!(!contains_word("leadership", "ship"));
        assert!(contains_word("u.n. talks", "u.n."));
    }

    const GAZ: &str = r#"
[[entity]]
id = "country:china"
type = "country"
name = "China"
demonyms = ["Chinese"]
capitals = ["Beijing"]

[[entity]]
id = "country:pakistan"
type = "country"
name = "Pakistan"
demonyms = ["Pakistani"]
capitals = ["Islamabad"]

[[entity]]
id = "country:india"
type = "country"
name = "India"
demonyms = ["Indian"]

[[entity]]
id = "country:united-states"
type = "country"
name = "United States"
acronyms = ["US", "U.S."]

[[entity]]
id = "country:turkiye"
type = "country"
name = "Türkiye"
variants = ["Turkey"]

[[entity]]
id = "place:south-china-sea"
type = "place"
name = "South China Sea"

[[entity]]
id = "country:south-sudan"
type = "country"
name = "South Sudan"

[[entity]]
id = "weapon:jf-17"
type = "weapon"
name = "JF-17"
variants = ["JF-17 Thunder", { text = "Thunder", case = "sensitive", ambiguous = true, requires_any = ["country:pakistan"] }]
made_by = ["country:pakistan", "country:china"]
"#;

    fn setup() -> (Gazetteer, Matcher) {
        let g = Gazetteer::from_sources(&[SourceFile {
            name: "t.toml".into(),
            text: GAZ.into(),
        }])
        .unwrap();
        let m = Matcher::new(&g, CapitalCues::embedded().unwrap()).unwrap();
        (g, m)
    }

    fn tag(text: &str) -> Vec<(String, String)> {
        let (g, m) = setup();
        let mut f = Folded::default();
        let sents = [SentenceSpan {
            start: 0,
            end: text.len(),
        }];
        m.find(&g, text, &sents, &mut f)
            .into_iter()
            .map(|mm| {
                (
                    text[mm.start..mm.end].to_string(),
                    g.entity(mm.entity).id.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn possessive_with_curly_apostrophe() {
        assert_eq!(
            tag("Pakistan’s army"),
            vec![("Pakistan".into(), "country:pakistan".into())]
        );
    }

    #[test]
    fn hyphenated_compounds_and_pairs() {
        let t = tag("Chinese-manufactured jets in the India–Pakistan conflict");
        let ids: Vec<_> = t.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(
            ids,
            vec!["country:china", "country:india", "country:pakistan"]
        );
    }

    #[test]
    fn longest_alias_wins() {
        let t = tag("Patrols in the South China Sea grew.");
        assert_eq!(
            t,
            vec![("South China Sea".into(), "place:south-china-sea".into())]
        );
    }

    #[test]
    fn case_sensitive_acronyms_and_unicode_folding() {
        assert!(tag("let us go").is_empty());
        assert!(tag("a US$ 1.6 billion deal").is_empty());
        assert_eq!(tag("the US and TÜRKIYE").len(), 2);
        assert_eq!(tag("U.S. officials")[0].1, "country:united-states");
    }

    #[test]
    fn demonym_plurals() {
        assert_eq!(tag("Many Pakistanis agree")[0].1, "country:pakistan");
    }

    #[test]
    fn no_match_inside_words() {
        assert!(tag("Indiana and Chinesey").is_empty());
    }

    #[test]
    fn shorter_alias_when_longest_fails_boundary() {
        // "JF-17 Thunder" ends inside "Thunderbolt": the shorter "JF-17" at the same start wins.
        assert_eq!(tag("the JF-17 Thunderbolt")[0].0, "JF-17".to_string());
        assert!(tag("South Sudanese troops").is_empty());
    }

    #[test]
    fn capital_actor_or_place() {
        assert_eq!(
            tag("Islamabad maintains its stance")[0].1,
            "country:pakistan"
        );
        assert_eq!(tag("Beijing articulated a plan")[0].1, "country:china");
        assert_eq!(
            tag("He visited Islamabad last week")[0].1,
            "place:islamabad"
        );
        assert_eq!(tag("a summit in Beijing")[0].1, "place:beijing");
        assert_eq!(tag("a visit to Islamabad")[0].1, "place:islamabad");
        assert_eq!(tag("a warning to Beijing")[0].1, "country:china");
        assert_eq!(
            tag("an increase in Beijing’s engagement")[0].1,
            "country:china"
        );
        assert_eq!(tag("an Islamabad-based analyst")[0].1, "place:islamabad");
    }

    #[test]
    fn ambiguous_alias_needs_its_condition() {
        assert!(tag("Thunder rolled over the hills").is_empty());
        let t = tag("Pakistan flies the Thunder");
        assert_eq!(t.last().unwrap().1, "weapon:jf-17");
        assert!(tag("thunder in Pakistan")
            .iter()
            .all(|x| x.1 != "weapon:jf-17"));
    }
}

#[cfg(test)]
mod prefilter_tests {
    use super::*;

    #[test]
    fn swar_lanes_classify_every_byte() {
        for b in 0..=255u8 {
            let x = u64::from_le_bytes([b, b' ', b, b'a', b, b'_', b, 0x80]);
            let (word, non_ascii) = ascii_word_lanes(x);
            for lane in [0u32, 2, 4, 6] {
                let bit = 0x80u64 << (lane * 8);
                assert_eq!(word & bit != 0, b < 0x80 && is_ascii_word_byte(b), "{b:#x}");
                assert_eq!(non_ascii & bit != 0, b >= 0x80, "{b:#x}");
            }
        }
        // Word lengths and hashes do not depend on where the 8-byte chunks fall.
        let text = "x supercalifragilistic_42 Türkiye’s ab a";
        for (i, _) in text.char_indices() {
            let (n, h) = leading_word(text, i);
            let tail = &text[i..];
            let expect = tail
                .char_indices()
                .find(|&(_, c)| !is_word_char(c))
                .map_or(tail.len(), |(k, _)| k);
            assert_eq!(n, expect, "at {i}");
            if n > 0 {
                assert_eq!(h, leading_word(&text[i..i + n], 0).1);
            }
        }
    }

    /// The word-start prefilter must find exactly what the scan of every position finds.
    #[test]
    fn word_start_prefilter_equals_full_scan() {
        let g = Gazetteer::from_sources(&crate::gazetteer::embedded_files()).unwrap();
        let m = Matcher::new(&g, CapitalCues::embedded().unwrap()).unwrap();
        assert!(!m.scan_everywhere);
        let mut texts: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"))
                .unwrap()
                .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                .collect();
        texts.push(
            "US$ 1.5bn; anti-U.S. Türkiye’s TÜRKİYE South Sudanese J-10CEs Pakistan’s \
             Chinese-made Su-25s, PL-15E. Beijing—Islamabad x_China 中国 İstanbul U.K.-based \
             the Gambia, The Hague and the United States"
                .into(),
        );
        let mut f = Folded::default();
        for t in &texts {
            f.fold_into(t);
            assert!(!f.vanished);
            let fast: Vec<(usize, usize, Vec<u32>)> = m
                .candidates_prefiltered(t, &f, &mut |_, _, _, _| {})
                .into_iter()
                .map(|c| (c.start, c.end, c.claims))
                .collect();
            let full: Vec<(usize, usize, Vec<u32>)> = m
                .candidates_everywhere(m.automaton().unwrap(), t, &f)
                .into_iter()
                .map(|c| (c.start, c.end, c.claims))
                .collect();
            assert!(!full.is_empty());
            assert_eq!(fast, full);
        }
        // A soft hyphen vanishes from the folded text: "China\u{AD}s" reads as one word there
        // but the original has a boundary after "China", so such a text takes the full scan.
        let t = "China\u{00AD}s and Paki\u{00AD}stan";
        f.fold_into(t);
        assert!(f.vanished);
        let spans = |c: Vec<Candidate>| c.into_iter().map(|c| (c.start, c.end)).collect::<Vec<_>>();
        let found = spans(m.candidates(t, &f, &mut |_, _, _, _| {}));
        assert_eq!(
            found,
            spans(m.candidates_everywhere(m.automaton().unwrap(), t, &f))
        );
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn alias_starting_with_punctuation_falls_back_to_full_scan() {
        let g = Gazetteer::from_sources(&[crate::gazetteer::SourceFile {
            name: "t.toml".into(),
            text: "[[entity]]\nid = \"organization:x\"\ntype = \"organization\"\nname = \"(X) Group\"\n"
                .into(),
        }])
        .unwrap();
        let m = Matcher::new(&g, CapitalCues::default()).unwrap();
        assert!(m.scan_everywhere);
        let text = "The (X) Group said so.";
        let found = m.find(
            &g,
            text,
            &[SentenceSpan {
                start: 0,
                end: text.len(),
            }],
            &mut Folded::default(),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].start..found[0].end], "(X) Group");
    }
}
