//! Text normalisation for matching, and sentence splitting.
//!
//! Matching runs on a *folded* copy of the text: Unicode lower case, every dash as `-`, every
//! single quote or apostrophe as `'`, double quotes as `"`, and non-breaking or narrow spaces as
//! a space. The folded copy keeps a byte map back into the original, so every mention keeps
//! byte offsets into the text the user gave us.

use std::sync::LazyLock;

use rustc_hash::FxHashSet;
use sentencex::languages::{English, Language};

/// Map a character that has a matching-neutral form: dashes, quotes and spaces.
#[inline]
fn punct_fold(c: char) -> Option<char> {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => Some('-'),
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '`' => {
            Some('\'')
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => Some('"'),
        '\u{0085}'
        | '\u{00A0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200A}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// A folded copy of a text with a byte map back to the original.
#[derive(Debug, Default, Clone)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// The byte map, stored sparsely: sorted by folded offset, one mark where a run of bytes
    /// copied one for one begins and one per non-ASCII character. Most news text is ASCII
    /// with a few curly quotes and dashes, so this is a handful of marks instead of four
    /// bytes per byte.
    marks: Vec<Mark>,
    orig_len: usize,
    /// Some character (soft hyphen, zero-width space, BOM) folded to nothing, so words of
    /// the folded text can join words that the original keeps apart.
    pub vanished: bool,
}

/// From folded offset `folded` on: with `width == 0`, bytes map one for one to `orig`
/// onwards (until the next mark); otherwise one original character at `orig` folded to
/// `width` bytes, all of which map to `orig`.
#[derive(Debug, Clone, Copy)]
struct Mark {
    folded: u32,
    orig: u32,
    width: u32,
}

impl Folded {
    /// Fold `src` for matching (case, dashes, quotes, spaces).
    pub fn new(src: &str) -> Self {
        let mut f = Folded {
            text: String::with_capacity(src.len()),
            ..Default::default()
        };
        f.fold_into(src);
        f
    }

    /// Reuse the buffers of `self` for a new text.
    pub fn fold_into(&mut self, src: &str) {
        self.text.clear();
        self.marks.clear();
        self.vanished = false;
        self.orig_len = src.len();
        let bytes = src.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // ASCII fast path: a whole run of ASCII bytes folds byte for byte, so it is
            // copied and lower-cased in bulk under one mark.
            let run = ascii_prefix_len(&bytes[i..]);
            if run > 0 {
                let start = self.text.len();
                self.text.push_str(&src[i..i + run]);
                // Lower-casing and '`' -> '\'' keep ASCII bytes ASCII, so the String stays valid.
                let tail = &mut self.text[start..];
                tail.make_ascii_lowercase();
                if tail.contains('`') {
                    let fixed = tail.replace('`', "'");
                    self.text.truncate(start);
                    self.text.push_str(&fixed);
                }
                let continues = self.marks.last().is_some_and(|m| {
                    m.width == 0 && (m.orig + (start as u32 - m.folded)) as usize == i
                });
                if !continues {
                    self.marks.push(Mark {
                        folded: start as u32,
                        orig: i as u32,
                        width: 0,
                    });
                }
                i += run;
                continue;
            }
            let c = src[i..].chars().next().expect("char boundary");
            let start = self.text.len();
            if let Some(p) = punct_fold(c) {
                self.text.push(p);
            } else if c == '\u{00AD}' || c == '\u{200B}' || c == '\u{FEFF}' {
                // Soft hyphen and zero-width characters vanish from the folded text.
                self.vanished = true;
            } else {
                self.text.extend(c.to_lowercase());
            }
            if self.text.len() > start {
                self.marks.push(Mark {
                    folded: start as u32,
                    orig: i as u32,
                    width: (self.text.len() - start) as u32,
                });
            }
            i += c.len_utf8();
        }
    }

    /// The mark covering folded offset `i` (`i < text.len()`).
    #[inline]
    fn mark_at(&self, i: usize) -> Mark {
        let k = self.marks.partition_point(|m| m.folded as usize <= i);
        self.marks[k - 1]
    }

    /// Original byte offset of folded byte `i` (`text.len()` maps to the original length).
    #[inline]
    pub fn orig(&self, i: usize) -> usize {
        if i >= self.text.len() {
            return self.orig_len;
        }
        let m = self.mark_at(i);
        if m.width == 0 {
            (m.orig + (i as u32 - m.folded)) as usize
        } else {
            m.orig as usize
        }
    }

    /// The first folded offset whose original offset is at least `orig`: where a span of
    /// the original starting at `orig` starts in the folded text.
    pub fn to_folded(&self, orig: usize) -> usize {
        let k = self.marks.partition_point(|m| (m.orig as usize) < orig);
        if k > 0 {
            let m = self.marks[k - 1];
            let end = self
                .marks
                .get(k)
                .map_or(self.text.len(), |n| n.folded as usize);
            if m.width == 0 {
                let f = m.folded as usize + (orig - m.orig as usize);
                if f < end {
                    return f;
                }
            }
        }
        self.marks
            .get(k)
            .map_or(self.text.len(), |m| m.folded as usize)
    }

    /// True when folded offset `i` falls inside the expansion of one original character,
    /// so a match cannot start or end there.
    #[inline]
    pub fn splits_char(&self, i: usize) -> bool {
        if i == 0 || i >= self.text.len() {
            return false;
        }
        let m = self.mark_at(i);
        m.width > 0 && i > m.folded as usize
    }
}

/// Length of the ASCII prefix of `bytes`, eight bytes at a time.
#[inline]
fn ascii_prefix_len(bytes: &[u8]) -> usize {
    let mut n = 0;
    for chunk in bytes.chunks_exact(8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let high = x & 0x8080_8080_8080_8080;
        if high != 0 {
            return n + (high.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + bytes[n..]
        .iter()
        .position(|&b| b >= 0x80)
        .unwrap_or(bytes.len() - n)
}

/// Fold a short string (an alias, a cue) exactly as [`Folded::new`] folds text.
pub fn fold(s: &str) -> String {
    Folded::new(s).text
}

/// Normalise dashes, quotes and spaces but keep case: the form case-sensitive aliases are
/// compared in.
pub fn normalise_keep_case(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{00AD}' | '\u{200B}' | '\u{FEFF}'))
        .map(|c| punct_fold(c).unwrap_or(c))
        .collect()
}

/// Key of a sentence for duplicate detection: folded, whitespace collapsed.
pub fn sentence_key(s: &str) -> u64 {
    folded_sentence_key(fold(s).as_bytes())
}

/// [`sentence_key`] of a slice of folded text (which holds no whitespace but ASCII
/// whitespace), so a document folded for matching needs no second folding pass.
pub fn folded_sentence_key(folded: &[u8]) -> u64 {
    // The key hashes the text trimmed and with every run of whitespace read as one space.
    // Eight bytes at a time: a chunk whose whitespace is single bytes goes through whole
    // (whitespace lanes set to ' '); only a chunk with a run of whitespace is walked byte by
    // byte. Both feed the same stream, so the key does not depend on chunk boundaries.
    let text = folded.trim_ascii();
    let mut out = KeyStream::default();
    let mut prev_space = false;
    let mut chunks = text.chunks_exact(8);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let ws = ascii_whitespace_lanes(x);
        let runs = ws & ((ws << 8) | if prev_space { 0x80 } else { 0 });
        if runs == 0 {
            // Spread each whitespace lane's high bit over its byte, then write ' ' there.
            let lanes = (ws >> 7) * 0xff;
            out.push8((x & !lanes) | (lanes & (0x20 * 0x0101_0101_0101_0101)));
            prev_space = ws >> 63 != 0;
        } else {
            for &b in chunk {
                out.push_collapsing(b, &mut prev_space);
            }
        }
    }
    for &b in chunks.remainder() {
        out.push_collapsing(b, &mut prev_space);
    }
    out.finish()
}

/// The high bit of each lane of `x` is set where the byte is ASCII whitespace
/// (`u8::is_ascii_whitespace`: space, tab, line feed, form feed, carriage return).
#[inline]
fn ascii_whitespace_lanes(x: u64) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW: u64 = 0x0101_0101_0101_0101;
    // A lane is zero exactly when the high bit of `!((z & !HIGH) + !HIGH | z)` is set.
    let zero = |z: u64| !(((z & !HIGH) + !HIGH) | z) & HIGH;
    zero(x ^ (LOW * b' ' as u64))
        | zero(x ^ (LOW * b'\t' as u64))
        | zero(x ^ (LOW * b'\n' as u64))
        | zero(x ^ (LOW * 0x0c))
        | zero(x ^ (LOW * b'\r' as u64))
}

/// A byte stream hashed 8 bytes at a time (FxHash-style steps, a final avalanche).
#[derive(Default)]
struct KeyStream {
    hash: u64,
    pending: u64,
    filled: u32,
    len: u64,
}

impl KeyStream {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    #[inline]
    fn mix(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }

    #[inline]
    fn push8(&mut self, x: u64) {
        self.len += 8;
        if self.filled == 0 {
            self.mix(x);
        } else {
            let word = self.pending | (x << (8 * self.filled));
            self.mix(word);
            self.pending = x >> (64 - 8 * self.filled);
        }
    }

    #[inline]
    fn push(&mut self, b: u8) {
        self.len += 1;
        self.pending |= (b as u64) << (8 * self.filled);
        self.filled += 1;
        if self.filled == 8 {
            let word = self.pending;
            self.mix(word);
            self.pending = 0;
            self.filled = 0;
        }
    }

    #[inline]
    fn push_collapsing(&mut self, b: u8, prev_space: &mut bool) {
        if b.is_ascii_whitespace() {
            if !*prev_space {
                self.push(b' ');
            }
            *prev_space = true;
        } else {
            self.push(b);
            *prev_space = false;
        }
    }

    fn finish(mut self) -> u64 {
        let tail = self.pending;
        self.mix(tail ^ self.len.rotate_right(8));
        let mut h = self.hash;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// Is `c` part of a word for boundary purposes?
#[inline]
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A sentence: a byte span into its document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceSpan {
    pub start: usize,
    pub end: usize,
}

/// English sentence splitting (sentencex) with an abbreviation list extended for news text:
/// military and diplomatic ranks, months, "No." before numbers and the like.
pub struct NewsEnglish {
    english: English,
    abbreviations: FxHashSet<String>,
}

static EXTRA_ABBREVIATIONS: &str = include_str!("../gazetteer/text/abbreviations.txt");

static NEWS_ENGLISH: LazyLock<NewsEnglish> = LazyLock::new(|| {
    let english = English {};
    let mut abbreviations = english.get_abbreviations().clone();
    for line in EXTRA_ABBREVIATIONS.lines() {
        let w = line.split('#').next().unwrap_or("").trim();
        if !w.is_empty() {
            abbreviations.insert(w.trim_end_matches('.').to_lowercase());
        }
    }
    NewsEnglish {
        english,
        abbreviations,
    }
});

impl Language for NewsEnglish {
    fn get_abbreviations(&self) -> &FxHashSet<String> {
        &self.abbreviations
    }
    fn get_sentence_starters(&self) -> &FxHashSet<String> {
        self.english.get_sentence_starters()
    }
    fn get_fronting_words(&self) -> &FxHashSet<String> {
        self.english.get_fronting_words()
    }
}

/// Split `line` (a piece of text holding no line break) into sentences; spans are offsets
/// into `line`, trimmed of surrounding whitespace, never empty.
pub fn split_sentences(line: &str, out: &mut Vec<SentenceSpan>) {
    let base = line.as_ptr() as usize;
    let first = out.len();
    for piece in NEWS_ENGLISH.segment(line) {
        let trimmed = piece.trim();
        if trimmed.is_empty() {
            continue;
        }
        let start = trimmed.as_ptr() as usize - base;
        let span = SentenceSpan {
            start,
            end: start + trimmed.len(),
        };
        // A piece that ends in a single capital and a period is an initial or an
        // abbreviation cut in two ("anti-U." + "S. pressure"), not a sentence end.
        let len = out.len();
        match out.last_mut() {
            Some(prev) if len > first && ends_with_initial(&line[prev.start..prev.end]) => {
                prev.end = span.end;
            }
            _ => out.push(span),
        }
    }
}

/// Does `s` end with one capital letter and a period, after a non-letter ("anti-U.", " J.")?
fn ends_with_initial(s: &str) -> bool {
    let mut rev = s.chars().rev();
    matches!(
        (rev.next(), rev.next(), rev.next()),
        (Some('.'), Some(c), before) if c.is_uppercase() && before.is_none_or(|b| !b.is_alphabetic())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(s: &str) -> Vec<&str> {
        let mut v = Vec::new();
        split_sentences(s, &mut v);
        v.iter().map(|sp| &s[sp.start..sp.end]).collect()
    }

    #[test]
    fn folds_case_dashes_quotes_and_keeps_offsets() {
        let src = "TÜRKIYE’s India–Pakistan\u{00A0}rift";
        let f = Folded::new(src);
        assert_eq!(f.text, "türkiye's india-pakistan rift");
        let i = f.text.find("pakistan").unwrap();
        assert_eq!(&src[f.orig(i)..f.orig(i + "pakistan".len())], "Pakistan");
        assert_eq!(f.orig(f.text.len()), src.len());
    }

    /// The sparse map answers exactly as a dense byte map built character by character.
    #[test]
    fn sparse_map_equals_a_dense_map() {
        for src in [
            "",
            "plain ascii only",
            "TÜRKIYE’s India–Pakistan\u{00A0}rift",
            "İstanbul and Paki\u{00AD}stan\u{200B}, \u{FEFF}ok`s",
            "中国 and 日本 — “quotes” ‘single’ ß ẞ ﬁ",
            "ab\u{00AD}\u{00AD}cd€",
        ] {
            let f = Folded::new(src);
            // Dense reference: every folded byte of one original character maps to its start.
            let mut dense: Vec<usize> = Vec::new();
            for (i, c) in src.char_indices() {
                let folded_len = if c.is_ascii() {
                    1
                } else if let Some(p) = punct_fold(c) {
                    p.len_utf8()
                } else if matches!(c, '\u{00AD}' | '\u{200B}' | '\u{FEFF}') {
                    0
                } else {
                    c.to_lowercase().map(char::len_utf8).sum()
                };
                dense.extend(std::iter::repeat_n(i, folded_len));
            }
            dense.push(src.len());
            assert_eq!(dense.len(), f.text.len() + 1, "{src:?}");
            for (i, &o) in dense.iter().enumerate() {
                assert_eq!(f.orig(i), o, "{src:?} orig({i})");
                let split = i > 0 && i < f.text.len() && dense[i] == dense[i - 1];
                assert_eq!(f.splits_char(i), split, "{src:?} splits_char({i})");
            }
            for o in 0..=src.len() {
                assert_eq!(
                    f.to_folded(o),
                    dense.partition_point(|&d| d < o),
                    "{src:?} to_folded({o})"
                );
            }
        }
    }

    #[test]
    fn expanded_characters_cannot_be_split() {
        let f = Folded::new("İstanbul");
        // 'İ' lower-cases to "i̇" (two chars); offsets inside it map to the same original byte.
        assert!(f.splits_char(1));
        assert!(!f.splits_char(0));
    }

    #[test]
    fn keeps_news_abbreviations_together() {
        let s = "Lt. Gen. Asim Munir met U.S. officials. Dr. Khan spoke at No. 10 Downing Street. The deal cost US$ 1.525 billion.";
        assert_eq!(
            sentences(s),
            vec![
                "Lt. Gen. Asim Munir met U.S. officials.",
                "Dr. Khan spoke at No. 10 Downing Street.",
                "The deal cost US$ 1.525 billion."
            ]
        );
    }

    #[test]
    fn ranks_and_initials() {
        let s = "Brig. Gen. J. R. Smith and Adm. Lee arrived. Col. (retd.) Ahmed stayed.";
        assert_eq!(sentences(s).len(), 2, "{:?}", sentences(s));
    }

    #[test]
    fn abbreviations_after_punctuation_stay_whole() {
        let s = "Rising anti-U.S. sentiment grew. Protests followed.";
        assert_eq!(
            sentences(s),
            vec!["Rising anti-U.S. sentiment grew.", "Protests followed."]
        );
        let s = "The “U.S. plan” failed.";
        assert_eq!(sentences(s).len(), 1, "{:?}", sentences(s));
    }

    #[test]
    fn quotes_stay_with_their_sentence() {
        let s = "“Our job is peacekeeping,” Dar stated. He left.";
        assert_eq!(
            sentences(s),
            vec!["“Our job is peacekeeping,” Dar stated.", "He left."]
        );
    }

    /// The chunked key equals a plain byte-by-byte one on every alignment.
    #[test]
    fn sentence_key_chunks_match_the_byte_stream() {
        fn reference(s: &[u8]) -> u64 {
            let mut out = KeyStream::default();
            let mut prev = false;
            for &b in s.trim_ascii() {
                out.push_collapsing(b, &mut prev);
            }
            out.finish()
        }
        let base = "  China\tsupplies  arms to\r\nPakistan;\x0cthe  J-10CE  and   PL-15E jets, \
                    said  officials in  Beijing   on Monday.  ";
        for start in 0..24 {
            for end in (start..base.len()).step_by(5) {
                let s = &base.as_bytes()[start..end];
                assert_eq!(folded_sentence_key(s), reference(s), "{start}..{end}");
            }
        }
        assert_eq!(
            folded_sentence_key(b"a  b\t\tc"),
            folded_sentence_key(b" a b c ")
        );
        assert_ne!(folded_sentence_key(b"ab c"), folded_sentence_key(b"a bc"));
    }

    #[test]
    fn sentence_keys_ignore_case_and_spacing() {
        assert_eq!(
            sentence_key("China  supplies  arms."),
            sentence_key("china supplies arms.")
        );
        assert_ne!(
            sentence_key("China supplies arms."),
            sentence_key("India supplies arms.")
        );
        assert_eq!(
            sentence_key(" Pakistan’s\u{00A0}JF-17 —  sold\t"),
            sentence_key("pakistan's jf-17 - sold")
        );
    }

    #[test]
    fn folded_ascii_keys_equal_general_keys() {
        for s in [
            "China  supplies\tarms.",
            " `Both` sides ",
            "",
            "   ",
            "U.S. F-16s",
        ] {
            assert_eq!(
                folded_sentence_key(Folded::new(s).text.as_bytes()),
                sentence_key(s),
                "{s:?}"
            );
        }
    }
}
