//! The document context: reference words ("it", "the two countries") spotted in the
//! text, what earlier sentences leave for them (`DocContext`), and how a sentence finds
//! its subject and resolves a reference.

use super::sentence::PREPOSITIONS;
use super::sentence::{Arg, SentenceView};
use super::{Hit, Marker};
use crate::gazetteer::{EntityIdx, EntityType};
use crate::text::{is_word_char, Folded};

/// Where a reference word was seen: original byte span, and whether it names a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spot {
    pub start: usize,
    pub end: usize,
    pub pair: bool,
}

/// Spots reference phrases at word starts of folded text (see
/// [`crate::matcher::Matcher::find_visiting_words`]): a bit filter on the leading word
/// and the next two bytes, then a byte comparison with the few phrases that start so.
#[derive(Debug, Clone, Default)]
pub struct ReferenceSpotter {
    starts: crate::matcher::StartFilter,
    phrases: crate::matcher::PhraseIndex,
    /// Per phrase: it names a pair ("the two countries").
    pair: Vec<bool>,
}

impl ReferenceSpotter {
    /// `phrases` are folded; each must start with a word character.
    pub(super) fn new(phrases: &[(String, bool)]) -> std::result::Result<Self, String> {
        let mut starts = crate::matcher::StartFilter::with_capacity(phrases.len());
        for (p, _) in phrases {
            if !starts.insert(p) {
                return Err(format!("reference {p:?} must start with a letter or digit"));
            }
        }
        Ok(ReferenceSpotter {
            starts,
            phrases: crate::matcher::PhraseIndex::new(
                phrases.iter().map(|(p, _)| p.clone()).collect(),
            ),
            pair: phrases.iter().map(|&(_, pair)| pair).collect(),
        })
    }

    /// The phrases spotted (folded).
    pub fn phrases(&self) -> impl Iterator<Item = &str> {
        self.phrases.texts()
    }

    /// Check the word start at folded offset `start` (its leading word ends at `end`).
    /// Called for every word of a text: the filter test is inlined into the caller's loop,
    /// the rest is not.
    #[inline(always)]
    pub fn spot(&self, f: &Folded, start: usize, end: usize, hash: u64, out: &mut Vec<Spot>) {
        if self.starts.may_start(f.text.as_bytes(), end, hash) {
            self.spot_phrases(f, start, hash, out);
        }
    }

    #[inline(never)]
    fn spot_phrases(&self, f: &Folded, start: usize, hash: u64, out: &mut Vec<Spot>) {
        // The longest phrase here that ends a word ("the country's" over "the country").
        let found = self.phrases.at(f.text.as_bytes(), start, hash).find(|&id| {
            f.text[start + self.phrases.text(id).len()..]
                .chars()
                .next()
                .is_none_or(|c| !is_word_char(c))
        });
        if let Some(id) = found {
            out.push(Spot {
                start: f.orig(start),
                end: f.orig(start + self.phrases.text(id).len()),
                pair: self.pair[id],
            });
        }
    }
}

/// What earlier sentences of the document leave for references.
#[derive(Debug, Clone, Default)]
pub struct DocContext {
    /// The actor the previous sentence was about.
    pub(super) topic: Option<EntityIdx>,
    /// The last pair of coordinated actors.
    pub(super) pair: Option<(EntityIdx, EntityIdx)>,
    /// Actors of the previous sentence, in order.
    pub(super) prev_actors: Vec<EntityIdx>,
    /// Corridors named so far, the latest last (for "the pipeline", "the route").
    pub(super) corridors: Vec<EntityIdx>,
}

impl DocContext {
    pub(super) fn advance(&mut self, s: &SentenceView) {
        if let Some(t) = s.topic {
            self.topic = Some(t);
        }
        if let Some(p) = s.last_pair() {
            self.pair = Some(p);
        }
        let actors: Vec<EntityIdx> = s
            .ments
            .iter()
            .filter(|m| s.is_actor(m.entity))
            .map(|m| m.entity)
            .collect();
        if !actors.is_empty() {
            self.prev_actors = actors;
        }
        s.note_corridors(&mut self.corridors);
    }
}

impl SentenceView<'_> {
    pub(super) fn last_pair(&self) -> Option<(EntityIdx, EntityIdx)> {
        self.groups.iter().rev().find_map(|gr| {
            let actors: Vec<EntityIdx> = gr
                .members
                .iter()
                .map(|&i| self.ments[i].entity)
                .filter(|&e| self.is_actor(e))
                .collect();
            (actors.len() == 2 && actors[0] != actors[1]).then(|| (actors[0], actors[1]))
        })
    }

    /// The subject of the cue at `pos`: the nearest group to the left (in the clause, across
    /// "which") that is not a prepositional object, or a reference word.
    pub(super) fn subject(
        &self,
        pos: usize,
        types: &[EntityType],
        ctx: &DocContext,
    ) -> Option<Arg> {
        let (cstart, _) = self.clause(pos, false);
        let words = self.words_before(pos, 2);
        // "allowing them to operate": the verb's subject is a pronoun that names no actor.
        if words
            .iter()
            .any(|w| self.rules.subjects.pronouns.iter().any(|p| p == w))
        {
            return None;
        }
        // "Turkey faces sanctions after receiving S-400s": a gerund after a preposition has
        // the subject of its clause, not the nearest actor.
        if words
            .first()
            .is_some_and(|w| self.rules.subjects.gerund_after.iter().any(|p| p == w))
            && self.folded.text()[pos..]
                .split(|c: char| !crate::text::is_word_char(c))
                .next()
                .is_some_and(|w| w.ends_with("ing"))
        {
            if let Some(gr) = self
                .groups
                .iter()
                .filter(|gr| gr.end <= pos && gr.start >= cstart && !gr.modifier)
                .filter(|gr| !PREPOSITIONS.contains(&gr.prep.as_str()))
                .find(|gr| !self.members_of(gr, types).is_empty())
            {
                return Some(Arg {
                    entities: self.members_of(gr, types),
                    resolved: None,
                    pos: gr.start,
                });
            }
        }
        // "India's decision to supply", "Russia's arms exports": the possessive owner of the
        // noun phrase leading to the cue acts, even as a prepositional object.
        if let Some(owner) = self
            .groups
            .iter()
            .rev()
            .filter(|gr| gr.end <= pos && gr.start >= cstart && !gr.modifier)
            .find(|gr| !self.members_of(gr, types).is_empty())
        {
            let gap = &self.folded.text()[owner.end..pos];
            if gap.starts_with("'s ")
                && gap.split_whitespace().count() <= 5
                && !gap.contains([',', ';', ':', '(', ')'])
            {
                return Some(Arg {
                    entities: self.members_of(owner, types),
                    resolved: None,
                    pos: owner.start,
                });
            }
        }
        let group = self
            .groups
            .iter()
            .rev()
            .filter(|gr| gr.end <= pos && gr.start >= cstart && !gr.modifier && !gr.aside)
            .filter(|gr| !PREPOSITIONS.contains(&gr.prep.as_str()))
            .find(|gr| !self.members_of(gr, types).is_empty());
        let reference = self.markers.iter().rev().find(|h| {
            matches!(h.marker, Marker::RefSingle | Marker::RefPair)
                && h.end <= pos
                && h.start >= cstart
                // "after it bought": a reference right before the verb is its subject,
                // whatever conjunction comes before it.
                && (!PREPOSITIONS.contains(&self.word_before(h.start).as_str())
                    || self.folded.text()[h.end..pos].split_whitespace().count() <= 1)
        });
        match (group, reference) {
            (Some(gr), Some(r)) if r.start > gr.end => self.resolve(r, types, ctx),
            (Some(gr), _) => Some(Arg {
                entities: self.members_of(gr, types),
                resolved: None,
                pos: gr.start,
            }),
            (None, Some(r)) => self.resolve(r, types, ctx),
            (None, None) => None,
        }
    }

    /// Resolve a reference word to earlier actors.
    pub(super) fn resolve(&self, r: &Hit, types: &[EntityType], ctx: &DocContext) -> Option<Arg> {
        let word = &self.folded.text()[r.start..r.end];
        let wants_org = [
            "organization",
            "organisation",
            "bloc",
            "alliance",
            "group",
            "forum",
        ]
        .iter()
        .any(|w| word.contains(w));
        let ok = |e: EntityIdx| {
            let t = self.etype(e);
            types.contains(&t) && (!wants_org || t == EntityType::Organization)
        };
        if r.marker == Marker::RefPair {
            // The last coordinated pair before the reference, here or in the sentence before.
            let here = self
                .groups
                .iter()
                .rev()
                .filter(|gr| gr.end <= r.start)
                .find_map(|gr| {
                    let v: Vec<EntityIdx> = self.members_of(gr, types);
                    (v.len() == 2).then_some(v)
                });
            // Otherwise exactly two actors named before it in this sentence.
            let here = here.or_else(|| {
                let mut v: Vec<EntityIdx> = Vec::new();
                for gr in self
                    .groups
                    .iter()
                    .filter(|gr| gr.end <= r.start && !gr.modifier)
                {
                    for e in self.members_of(gr, types) {
                        if !v.contains(&e) {
                            v.push(e);
                        }
                    }
                }
                (v.len() == 2).then_some(v)
            });
            let pair = here.or_else(|| ctx.pair.map(|(a, b)| vec![a, b]))?;
            if !pair.iter().all(|&e| ok(e)) {
                return None;
            }
            let names: Vec<&str> = pair
                .iter()
                .map(|&e| self.g.entity(e).name.as_str())
                .collect();
            return Some(Arg {
                resolved: Some(format!("{word} -> {}", names.join(" and "))),
                entities: pair,
                pos: r.start,
            });
        }
        // A single reference inside a relative clause is its antecedent ("did not sell F-35s
        // to Türkiye, which was removed after it bought the S-400"); otherwise the subject
        // named earlier in this sentence, else the topic of the sentence before, else the
        // last fitting actor there.
        let antecedent = self
            .markers
            .iter()
            .rev()
            .find(|h| h.marker == Marker::ClauseRelative && h.end <= r.start)
            .and_then(|h| {
                self.groups
                    .iter()
                    .rev()
                    .find(|gr| gr.end <= h.start && !gr.modifier)
                    .filter(|gr| h.start - gr.end <= 1)
            })
            .and_then(|gr| self.members_of(gr, types).into_iter().find(|&e| ok(e)));
        let here = antecedent.or_else(|| {
            self.groups
                .iter()
                .filter(|gr| {
                    gr.end <= r.start && !PREPOSITIONS.contains(&gr.prep.as_str()) && !gr.modifier
                })
                .flat_map(|gr| self.members_of(gr, types))
                .find(|&e| ok(e))
        });
        let e = here
            .or(ctx.topic.filter(|&t| ok(t)))
            .or_else(|| ctx.prev_actors.iter().rev().copied().find(|&e| ok(e)))?;
        Some(Arg {
            resolved: Some(format!("{word} -> {}", self.g.entity(e).name)),
            entities: vec![e],
            pos: r.start,
        })
    }
}
