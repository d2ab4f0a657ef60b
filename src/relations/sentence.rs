//! The sentence view: folded text, the markers found in it (cues, modality, negation,
//! clauses), coordinated mention groups with their prepositions, and the helpers every
//! family uses (clauses, objects, negation, status, emitting a relation).

use std::sync::LazyLock;

use super::context::DocContext;
use super::{Hit, Marker, Pattern, RelationHit, RelationRules};
use crate::gazetteer::{AliasKind, EntityIdx, EntityType, Gazetteer};
use crate::graph::Status;
use crate::matcher::Mention;
use crate::text::{is_word_char, Folded};

/// Append the words of `piece` that can join coordinated mentions (all but "'s", "the",
/// "both" and "of") to `words[..count]`; false when they do not fit, as no joining phrase
/// has more than three words.
fn joining_words<'t>(piece: &'t str, words: &mut [&'t str; 3], count: &mut usize) -> bool {
    // The parts between "'s", as `split("'s")` gives them, without building its two-way
    // searcher for every piece.
    let mut rest = Some(piece);
    while let Some(r) = rest {
        let part = match memchr::memmem::find(r.as_bytes(), b"'s") {
            Some(i) => {
                rest = Some(&r[i + 2..]);
                &r[..i]
            }
            None => {
                rest = None;
                r
            }
        };
        for w in part
            .split_whitespace()
            .filter(|w| !["the", "both", "of"].contains(w))
        {
            if *count == words.len() {
                return false;
            }
            words[*count] = w;
            *count += 1;
        }
    }
    true
}

pub(super) static YEAR: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?-u:\b)(1[89][0-9][0-9]|20[0-9][0-9])(?-u:\b)").expect("year regex")
});

/// Prepositions that make a mention an object rather than a subject.
pub(super) const PREPOSITIONS: &[&str] = &[
    "to",
    "from",
    "with",
    "by",
    "against",
    "on",
    "in",
    "at",
    "of",
    "for",
    "between",
    "into",
    "toward",
    "towards",
    "over",
    "under",
    "via",
    "through",
    "including",
    "among",
    "amid",
    "across",
    "onto",
    "upon",
    "within",
    "beyond",
    "like",
    "as",
    "than",
    "about",
    "around",
    "near",
    "behind",
    "alongside",
    "despite",
    "after",
    "before",
    "during",
    "since",
    "per",
];
/// Words skipped when looking for the preposition before a group.
pub(super) const DETERMINERS: &[&str] = &[
    "the", "both", "all", "a", "an", "five", "three", "two", "four",
];

/// A mention in folded coordinates.
#[derive(Debug, Clone, Copy)]
pub(super) struct M {
    pub(super) entity: EntityIdx,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) kind: AliasKind,
}

/// Coordinated mentions: "Uzbekistan and Turkmenistan", "India–Pakistan".
#[derive(Debug, Clone)]
pub(super) struct Group {
    pub(super) members: Vec<usize>,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) prep: String,
    pub(super) dash: bool,
    /// Joined by "and"/"or" somewhere (a bare comma list is not trusted as coordination).
    pub(super) conj: bool,
    /// Followed by "-made" or similar: a maker modifier, not an actor.
    pub(super) modifier: bool,
    /// Inside a parenthetical between em dashes ("Armenia—Azerbaijan's adversary—has"):
    /// never the subject of the verb after it.
    pub(super) aside: bool,
}

pub(super) struct SentenceView<'a> {
    pub(super) rules: &'a RelationRules,
    pub(super) g: &'a Gazetteer,
    pub(super) folded: SentenceFold<'a>,
    pub(super) ments: Vec<M>,
    pub(super) groups: Vec<Group>,
    pub(super) markers: Vec<Hit>,
    pub(super) cues: Vec<Hit>,
    pub(super) deny: bool,
    pub(super) arms_word: bool,
    /// The sentence's original text, for the years.
    pub(super) text: &'a str,
    /// Years the sentence states; computed for the first hit only, since most sentences
    /// analysed yield none.
    pub(super) years: std::cell::OnceCell<Vec<u16>>,
    pub(super) topic: Option<EntityIdx>,
    pub(super) hits: Vec<RelationHit>,
}

/// An actor argument, with how it was found.
#[derive(Debug, Clone)]
pub(super) struct Arg {
    pub(super) entities: Vec<EntityIdx>,
    pub(super) resolved: Option<String>,
    /// Position of the argument (folded) for distance checks.
    pub(super) pos: usize,
}

/// A sentence's folded text: its slice of the document's folded copy (no second folding
/// pass), or its own copy for a sentence analysed alone (`explain`). Offsets are relative
/// to the sentence.
pub(super) enum SentenceFold<'a> {
    Own(Folded),
    Doc {
        doc: &'a Folded,
        /// Folded span of the sentence in `doc`.
        start: usize,
        end: usize,
        /// Original span of the sentence.
        orig_start: usize,
        orig_end: usize,
    },
}

impl<'a> SentenceFold<'a> {
    pub(super) fn of_document(doc: &'a Folded, orig_start: usize, orig_end: usize) -> Self {
        SentenceFold::Doc {
            doc,
            start: doc.to_folded(orig_start),
            end: doc.to_folded(orig_end),
            orig_start,
            orig_end,
        }
    }

    #[inline]
    pub(super) fn text(&self) -> &str {
        match self {
            SentenceFold::Own(f) => &f.text,
            SentenceFold::Doc {
                doc, start, end, ..
            } => &doc.text[*start..*end],
        }
    }

    /// Original offset (in the sentence) of folded offset `i`.
    #[inline]
    pub(super) fn orig(&self, i: usize) -> usize {
        match self {
            SentenceFold::Own(f) => f.orig(i),
            SentenceFold::Doc {
                doc,
                start,
                orig_start,
                orig_end,
                ..
            } => doc.orig(start + i).min(*orig_end) - orig_start,
        }
    }

    /// Folded offset of original offset `orig` (in the sentence).
    pub(super) fn to_folded(&self, orig: usize) -> usize {
        match self {
            SentenceFold::Own(f) => f.to_folded(orig),
            SentenceFold::Doc {
                doc,
                start,
                end,
                orig_start,
                ..
            } => doc.to_folded(orig_start + orig).min(*end) - start,
        }
    }
}

impl<'a> SentenceView<'a> {
    /// `folded` is the sentence's folded text; `offset` its start in the document.
    pub(super) fn new(
        rules: &'a RelationRules,
        g: &'a Gazetteer,
        text: &'a str,
        folded: SentenceFold<'a>,
        offset: usize,
        mentions: &[Mention],
    ) -> Self {
        let to_folded = |orig: usize| folded.to_folded(orig);
        let ments: Vec<M> = mentions
            .iter()
            .map(|m| M {
                entity: m.entity,
                start: to_folded(m.start - offset),
                end: to_folded(m.end - offset),
                kind: m.kind,
            })
            .collect();
        let mut s = SentenceView {
            rules,
            g,
            folded,
            ments,
            groups: Vec::new(),
            markers: Vec::new(),
            cues: Vec::new(),
            deny: false,
            arms_word: false,
            text,
            years: std::cell::OnceCell::new(),
            topic: None,
            hits: Vec::new(),
        };
        s.find_markers(text);
        s.build_groups();
        s
    }

    /// Years stated in the sentence, sorted and distinct; not those glued to a word, after
    /// "$" or "No.", or of a resolution number.
    pub(super) fn years(&self) -> &[u16] {
        self.years.get_or_init(|| {
            let text = self.text;
            // The match is the whole year (the boundaries are empty), so `find_iter` gives
            // it without the slower capture engine.
            let mut years: Vec<u16> = YEAR
                .find_iter(text)
                .filter(|m| {
                    let before = text[..m.start()].trim_end();
                    let glued = text[..m.start()]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c == '-' || c.is_alphanumeric());
                    !(glued
                        || before.ends_with('$')
                        || before.ends_with("No.")
                        || before.to_lowercase().ends_with("resolution"))
                })
                .filter_map(|m| m.as_str().parse().ok())
                .collect();
            years.sort_unstable();
            years.dedup();
            years
        })
    }

    pub(super) fn etype(&self, e: EntityIdx) -> EntityType {
        self.g.entity(e).etype
    }

    pub(super) fn is_actor(&self, e: EntityIdx) -> bool {
        matches!(
            self.etype(e),
            EntityType::Country | EntityType::Organization
        )
    }

    pub(super) fn find_markers(&mut self, text: &str) {
        let Some(ac) = &self.rules.ac else { return };
        let hay = self.folded.text();
        let mut all = Vec::new();
        for m in ac.find_overlapping_iter(hay) {
            let (st, en) = (m.start(), m.end());
            let phrase = &self.rules.phrases[m.pattern().as_usize()];
            let first = phrase.chars().next().unwrap_or(' ');
            let last = phrase.chars().next_back().unwrap_or(' ');
            if is_word_char(first) && hay[..st].chars().next_back().is_some_and(is_word_char) {
                continue;
            }
            if is_word_char(last) && hay[en..].chars().next().is_some_and(is_word_char) {
                continue;
            }
            // A capitalised function word inside a sentence is a name, not a modal or a
            // negation: "In May 2024", "No. 10".
            let capitalised = st > 0
                && text[self.folded.orig(st)..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase());
            for &mk in &self.rules.markers[m.pattern().as_usize()] {
                if capitalised
                    && matches!(
                        mk,
                        Marker::Modal(_) | Marker::Hypothetical | Marker::NegClause
                    )
                {
                    continue;
                }
                all.push(Hit {
                    start: st,
                    end: en,
                    marker: mk,
                });
            }
        }
        // Phrases inside an ignored phrase or inside a mention say nothing.
        let ignored: Vec<(usize, usize)> = all
            .iter()
            .filter(|h| h.marker == Marker::Ignore)
            .map(|h| (h.start, h.end))
            .collect();
        let ments = &self.ments;
        all.retain(|h| {
            h.marker != Marker::Ignore
                && !ignored.iter().any(|&(a, b)| a <= h.start && h.end <= b)
                && !ments.iter().any(|m| h.start < m.end && m.start < h.end)
        });
        all.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        // Cues nested inside a longer cue are the same words ("attacks" in "attacks on").
        let cue_spans: Vec<(usize, usize)> = all
            .iter()
            .filter(|h| matches!(h.marker, Marker::Cue(_)))
            .map(|h| (h.start, h.end))
            .collect();
        self.cues = all
            .iter()
            .filter(|h| matches!(h.marker, Marker::Cue(_)))
            .filter(|h| {
                !cue_spans.iter().any(|&(a, b)| {
                    // " built" (a compound's) and "built" are the same words.
                    a <= h.start
                        && h.end <= b
                        && hay[a..b].trim().len() > hay[h.start..h.end].trim().len()
                })
            })
            .copied()
            .collect();
        self.cues
            .dedup_by(|a, b| a.start == b.start && a.end == b.end && a.marker == b.marker);
        self.deny = all.iter().any(|h| h.marker == Marker::NegSentence);
        self.arms_word = all.iter().any(|h| h.marker == Marker::Arms);
        self.markers = all;
    }

    /// Up to `n` words right before folded position `pos`, nearest first; stops at
    /// punctuation.
    pub(super) fn words_before(&self, pos: usize, n: usize) -> Vec<&str> {
        let mut out = Vec::new();
        let mut rest = self.folded.text()[..pos].trim_end();
        while out.len() < n {
            let start = rest
                .char_indices()
                .rev()
                .find(|(_, c)| !is_word_char(*c) && *c != '\'')
                .map(|(i, c)| i + c.len_utf8())
                .unwrap_or(0);
            let w = &rest[start..];
            if w.is_empty() {
                break;
            }
            out.push(w);
            let before = &rest[..start];
            if !before.ends_with(' ') {
                break;
            }
            rest = before.trim_end();
        }
        out
    }

    /// The word before folded position `pos`, skipping determiners, possessive "'s" and
    /// numbers; empty when punctuation comes first ("In 2022, it supplied": no preposition
    /// governs "it").
    pub(super) fn word_before(&self, pos: usize) -> String {
        let mut rest = &self.folded.text()[..pos];
        loop {
            rest = rest.trim_end();
            if rest.ends_with("'s") {
                rest = &rest[..rest.len() - 2];
                continue;
            }
            let Some(last) = rest.chars().next_back() else {
                return String::new();
            };
            if !is_word_char(last) {
                return String::new();
            }
            let start = rest
                .char_indices()
                .rev()
                .find(|(_, c)| !is_word_char(*c))
                .map(|(i, c)| i + c.len_utf8())
                .unwrap_or(0);
            let w = &rest[start..];
            if w.chars().all(|c| c.is_ascii_digit()) {
                // "In 2024 China delivered": a year ends the preposition's phrase.
                if w.len() == 4 {
                    return String::new();
                }
                rest = &rest[..start];
                continue;
            }
            if DETERMINERS.contains(&w) {
                rest = &rest[..start];
                continue;
            }
            return w.to_string();
        }
    }

    pub(super) fn build_groups(&mut self) {
        let text = self.folded.text();
        let n = self.ments.len();
        // Attributes name the owner of the mention next to them and take no role of their
        // own: "the Aktau Sea Port of Kazakhstan", "China's Chengdu Aircraft Corporation".
        let mut attribute = vec![false; n];
        #[allow(clippy::needless_range_loop)] // neighbours on both sides are read
        for i in 0..n {
            let m = self.ments[i];
            if i > 0 {
                let p = self.ments[i - 1];
                let gap = text[p.end..m.start].trim();
                if matches!(gap, "of" | "of the")
                    && self.etype(m.entity) == EntityType::Country
                    && matches!(
                        self.etype(p.entity),
                        EntityType::Organization | EntityType::Place
                    )
                {
                    attribute[i] = true;
                }
            }
            if i + 1 < n {
                let nx = self.ments[i + 1];
                if text[m.end..nx.start].trim() == "'s"
                    && self.is_actor(m.entity)
                    && self.etype(nx.entity) == EntityType::Organization
                {
                    attribute[i] = true;
                }
            }
        }
        let possessive = |m: &M| text[m.end..].starts_with('\'');
        let mut groups: Vec<Group> = Vec::new();
        for (i, m) in self.ments.iter().enumerate() {
            if attribute[i] {
                continue;
            }
            let joined = groups.last().and_then(|gr: &Group| {
                let prev = &self.ments[*gr.members.last().unwrap()];
                if prev.end > m.start || possessive(prev) != possessive(m) {
                    return None;
                }
                // The words between, without attributes ("of Kazakhstan", "China's").
                let mut words = [""; 3];
                let mut count = 0;
                let mut at = prev.end;
                for (j, a) in self.ments.iter().enumerate() {
                    if attribute[j] && a.start >= prev.end && a.end <= m.start {
                        if !joining_words(&text[at..a.start], &mut words, &mut count) {
                            return None;
                        }
                        at = a.end;
                    }
                }
                if !joining_words(&text[at..m.start], &mut words, &mut count) {
                    return None;
                }
                let same_class = self.is_actor(prev.entity) == self.is_actor(m.entity);
                match &words[..count] {
                    ["-"] | ["/"] if same_class => Some((true, false)),
                    [","] if same_class => Some((false, false)),
                    ["and"]
                    | [",", "and"]
                    | [",and"]
                    | ["or"]
                    | [",", "or"]
                    | ["&"]
                    | ["as", "well", "as"]
                    | ["and", "the"]
                        if same_class =>
                    {
                        Some((false, true))
                    }
                    _ => None,
                }
            });
            match joined {
                Some((dash, conj)) => {
                    let gr = groups.last_mut().unwrap();
                    gr.members.push(i);
                    gr.end = m.end;
                    gr.dash |= dash;
                    gr.conj |= conj;
                }
                None => groups.push(Group {
                    members: vec![i],
                    start: m.start,
                    end: m.end,
                    prep: String::new(),
                    dash: false,
                    conj: false,
                    modifier: false,
                    aside: false,
                }),
            }
        }
        // "partnership with Armenia, Pakistan is ...": a comma alone does not coordinate.
        let groups: Vec<Group> = groups
            .into_iter()
            .flat_map(|gr| {
                if gr.members.len() > 1 && !gr.conj && !gr.dash {
                    gr.members
                        .iter()
                        .map(|&i| Group {
                            members: vec![i],
                            start: self.ments[i].start,
                            end: self.ments[i].end,
                            prep: String::new(),
                            dash: false,
                            conj: false,
                            modifier: false,
                            aside: false,
                        })
                        .collect::<Vec<_>>()
                } else {
                    vec![gr]
                }
            })
            .collect();
        let mut groups = groups;
        // Paired em dashes enclose an aside.
        let dashes: Vec<usize> = self
            .text
            .match_indices('\u{2014}')
            .map(|(i, _)| self.folded.to_folded(i))
            .collect();
        for pair in dashes.chunks_exact(2) {
            for gr in &mut groups {
                if gr.start >= pair[0] && gr.end <= pair[1] {
                    gr.aside = true;
                }
            }
        }
        let text = self.folded.text();
        for gr in &mut groups {
            gr.prep = self.word_before(gr.start);
            // "Chinese-built", "Chinese built": a maker modifier; "China built" (a name, then
            // a space) is a subject and its verb.
            let last = self.ments[*gr.members.last().unwrap()];
            gr.modifier = self.cues.iter().any(|c| {
                c.start == gr.end
                    && matches!(c.marker, Marker::Cue(ci) if self.rules.cues[ci].pattern == Pattern::MadeByCompound)
                    && (!text[c.start..].starts_with(' ') || last.kind == AliasKind::Demonym)
            });
        }
        self.groups = groups;
    }

    /// Start and end (folded) of the clause holding `pos`; `relative` also cuts at "which".
    pub(super) fn clause(&self, pos: usize, relative: bool) -> (usize, usize) {
        let mut start = 0;
        let mut end = self.folded.text().len();
        for h in &self.markers {
            let cut =
                h.marker == Marker::ClauseHard || (relative && h.marker == Marker::ClauseRelative);
            if !cut {
                continue;
            }
            if h.end <= pos {
                start = start.max(h.end);
            } else if h.start >= pos {
                end = end.min(h.start);
            }
        }
        (start, end)
    }

    pub(super) fn members_of(&self, gr: &Group, types: &[EntityType]) -> Vec<EntityIdx> {
        let mut v: Vec<EntityIdx> = gr
            .members
            .iter()
            .map(|&i| self.ments[i].entity)
            .filter(|&e| types.contains(&self.etype(e)))
            .collect();
        v.dedup();
        v
    }

    /// The nearest group before `pos` in its relative segment, whatever its preposition.
    pub(super) fn nearest_before(&self, pos: usize, types: &[EntityType]) -> Option<Arg> {
        let (start, _) = self.clause(pos, true);
        self.groups
            .iter()
            .rev()
            .filter(|gr| gr.end <= pos && gr.start >= start && !gr.modifier)
            .find(|gr| !self.members_of(gr, types).is_empty())
            .map(|gr| Arg {
                entities: self.members_of(gr, types),
                resolved: None,
                pos: gr.start,
            })
    }

    /// Is there a marker of this kind in the clause of `pos`?
    pub(super) fn clause_has(&self, pos: usize, marker: Marker) -> bool {
        let (a, b) = self.clause(pos, false);
        self.markers
            .iter()
            .any(|h| h.marker == marker && h.start >= a && h.end <= b)
    }

    /// Groups after `pos` within the clause (cut at "which" too), optionally only those
    /// after one of `preps`.
    pub(super) fn objects_after(
        &self,
        pos: usize,
        types: &[EntityType],
        preps: Option<&[&str]>,
    ) -> Vec<&Group> {
        let (_, cend) = self.clause(pos, true);
        self.groups
            .iter()
            .filter(|gr| gr.start >= pos && gr.end <= cend && !gr.modifier)
            .filter(|gr| preps.is_none_or(|p| p.contains(&gr.prep.as_str())))
            .filter(|gr| !self.members_of(gr, types).is_empty())
            .collect()
    }

    pub(super) fn weapons_in(&self, from: usize, to: usize) -> Vec<EntityIdx> {
        let mut v: Vec<EntityIdx> = self
            .ments
            .iter()
            .filter(|m| {
                m.start >= from && m.end <= to && self.etype(m.entity) == EntityType::Weapon
            })
            .map(|m| m.entity)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    pub(super) fn negated(&self, cue: &Hit) -> bool {
        let (cstart, _) = self.clause(cue.start, true);
        let (hstart, _) = self.clause(cue.start, false);
        self.markers.iter().any(|h| {
            h.marker == Marker::NegClause
                && h.end <= cue.start
                && h.start >= cstart.min(hstart).max(cstart)
        })
    }

    /// A negation between two positions (a "bypass" between a route verb and a place).
    pub(super) fn negated_between(&self, a: usize, b: usize) -> bool {
        self.markers
            .iter()
            .any(|h| h.marker == Marker::NegClause && h.start >= a && h.end <= b)
    }

    pub(super) fn status_at(&self, cue: &Hit, default: Option<Status>) -> Option<Status> {
        let (cstart, _) = self.clause(cue.start, true);
        let modal = self
            .markers
            .iter()
            .filter(|h| h.start >= cstart && h.end <= cue.start)
            .filter_map(|h| match h.marker {
                Marker::Modal(s) => Some(s),
                _ => None,
            })
            .next_back();
        // The nearest modality before the cue wins ("in negotiations with China to purchase"
        // is negotiating; "a deal ... for the acquisition" is agreed).
        modal.or(default)
    }

    /// `emit` from every source to every target. Edges that needed a reference resolved
    /// (`resolved`) are marked inferred.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn emit_each(
        &mut self,
        rel: Option<usize>,
        sources: &[EntityIdx],
        targets: &[EntityIdx],
        rule: &str,
        status: Option<Status>,
        weapons: &[EntityIdx],
        resolved: &Option<String>,
    ) {
        for &s in sources {
            for &t in targets {
                let (inferred, resolved) = (resolved.is_some(), resolved.clone());
                self.emit(
                    rel,
                    s,
                    t,
                    rule.to_string(),
                    status,
                    weapons,
                    inferred,
                    resolved,
                );
            }
        }
    }

    /// `emit` a symmetric relation between every two of `parties`.
    pub(super) fn emit_among(
        &mut self,
        rel: Option<usize>,
        parties: &[EntityIdx],
        rule: &str,
        resolved: &Option<String>,
    ) {
        for (i, &a) in parties.iter().enumerate() {
            for &b in &parties[i + 1..] {
                let (inferred, resolved) = (resolved.is_some(), resolved.clone());
                self.emit(rel, a, b, rule.to_string(), None, &[], inferred, resolved);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn emit(
        &mut self,
        rel: Option<usize>,
        source: EntityIdx,
        target: EntityIdx,
        rule: String,
        status: Option<Status>,
        weapons: &[EntityIdx],
        inferred: bool,
        resolved: Option<String>,
    ) {
        let Some(rel) = rel else { return };
        let def = &self.rules.defs[rel];
        if source == target
            || !def.source.contains(&self.etype(source))
            || !def.target.contains(&self.etype(target))
        {
            return;
        }
        // A capital's place reading and its country are the same actor.
        if self.g.entity(source).country == Some(target) && self.etype(source) == EntityType::Place
        {
            return;
        }
        let (status, weapons) =
            if Some(rel) == self.rules.rel.supplies || Some(rel) == self.rules.rel.acquires {
                (status, weapons.to_vec())
            } else {
                (None, Vec::new())
            };
        if let Some(h) = self
            .hits
            .iter_mut()
            .find(|h| h.relation == rel && h.source == source && h.target == target)
        {
            h.inferred &= inferred;
            h.status = h.status.max(status);
            for w in weapons {
                if !h.weapons.contains(&w) {
                    h.weapons.push(w);
                }
            }
            return;
        }
        if def.symmetric
            && self
                .hits
                .iter()
                .any(|h| h.relation == rel && h.source == target && h.target == source)
        {
            return;
        }
        self.hits.push(RelationHit {
            source,
            target,
            relation: rel,
            rule,
            status,
            weapons,
            years: self.years().to_vec(),
            inferred,
            resolved,
        });
    }

    pub(super) fn relate(&mut self, ctx: &DocContext) {
        const ACTOR: &[EntityType] = &[EntityType::Country, EntityType::Organization];
        // The topic: the first actor that is not a prepositional object (or what a leading
        // reference resolves to).
        self.topic = self
            .groups
            .iter()
            .filter(|gr| !PREPOSITIONS.contains(&gr.prep.as_str()) && !gr.modifier)
            .find_map(|gr| self.members_of(gr, ACTOR).first().copied());
        if let Some(first_ref) = self.markers.iter().find(|h| h.marker == Marker::RefSingle) {
            let before_topic = self
                .groups
                .iter()
                .find(|gr| !PREPOSITIONS.contains(&gr.prep.as_str()))
                .is_none_or(|gr| first_ref.start < gr.start);
            if before_topic {
                if let Some(a) = self.resolve(first_ref, ACTOR, ctx) {
                    self.topic = a.entities.first().copied();
                }
            }
        }
        if self.deny {
            return;
        }
        self.corridor_names();
        self.makers_named_before();
        self.pair_conflicts();
        let cues = self.cues.clone();
        for cue in &cues {
            let Marker::Cue(ci) = cue.marker else {
                continue;
            };
            let c = self.rules.cues[ci].clone();
            if self.negated(cue) {
                continue;
            }
            if !c.requires_near.is_empty() {
                let (a, b) = self.clause(cue.start, false);
                let near = &self.folded.text()[a..b];
                if !c.requires_near.iter().any(|w| near.contains(w.as_str())) {
                    continue;
                }
            }
            let rule = format!("{} ({:?})", c.name, c.pattern).to_lowercase();
            self.apply(cue, &c, rule, ctx);
        }
    }

    /// The coordinated parties after a "between" cue, or a pair reference there.
    pub(super) fn between_parties(&self, cue: &Hit, ctx: &DocContext) -> Option<Arg> {
        const ACTOR: &[EntityType] = &[EntityType::Country, EntityType::Organization];
        let (_, end) = self.clause(cue.start, true);
        let group = self.groups.iter().find(|gr| {
            gr.start >= cue.end && gr.end <= end && self.members_of(gr, ACTOR).len() >= 2
        });
        let reference = self
            .markers
            .iter()
            .find(|h| h.marker == Marker::RefPair && h.start >= cue.end && h.start <= cue.end + 6);
        match (group, reference) {
            (_, Some(r)) => self.resolve(r, ACTOR, ctx),
            (Some(gr), None) => Some(Arg {
                entities: self.members_of(gr, ACTOR),
                resolved: None,
                pos: gr.start,
            }),
            _ => None,
        }
    }
}
