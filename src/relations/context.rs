//! The document context: reference words ("it", "the two countries") spotted in the
//! text, what earlier sentences leave for them (`DocContext`), and how a sentence finds
//! its subject and resolves a reference.

use super::sentence::PREPOSITIONS;
use super::sentence::{Arg, SentenceView};
use super::{Hit, Marker};
use crate::gazetteer::{EntityIdx, EntityType, Gazetteer};
use crate::matcher::Mention;
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
///
/// Reads go through methods that note them (`consulted`): a sentence whose relations did
/// not read the context relates the same way wherever it appears, so a copy of it can
/// reuse them ([`RelationMemo`]).
#[derive(Debug, Clone, Default)]
pub struct DocContext {
    /// The actor the previous sentence was about.
    topic: Option<EntityIdx>,
    /// The last pair of coordinated actors.
    pair: Option<(EntityIdx, EntityIdx)>,
    /// Actors of the previous sentence, in order.
    prev_actors: Vec<EntityIdx>,
    /// Corridors named so far, the latest last (for "the pipeline", "the route").
    corridors: Vec<EntityIdx>,
    /// Whether a read happened since [`Self::start_sentence`].
    consulted: std::cell::Cell<bool>,
}

impl DocContext {
    pub(super) fn topic(&self) -> Option<EntityIdx> {
        self.consulted.set(true);
        self.topic
    }

    pub(super) fn pair(&self) -> Option<(EntityIdx, EntityIdx)> {
        self.consulted.set(true);
        self.pair
    }

    pub(super) fn prev_actors(&self) -> &[EntityIdx] {
        self.consulted.set(true);
        &self.prev_actors
    }

    pub(super) fn corridors(&self) -> &[EntityIdx] {
        self.consulted.set(true);
        &self.corridors
    }

    /// A sentence that is not analysed still names the subject for a following "it".
    pub(super) fn set_subject(&mut self, e: EntityIdx) {
        self.topic = Some(e);
        self.prev_actors = vec![e];
    }

    /// Forget earlier reads: the next sentence starts.
    pub(super) fn start_sentence(&self) {
        self.consulted.set(false);
    }

    /// Did the sentence read the context?
    pub(super) fn consulted(&self) -> bool {
        self.consulted.get()
    }

    pub(super) fn advance(&mut self, s: &SentenceView) {
        self.advance_with(
            s.g,
            s.topic,
            s.last_pair(),
            s.ments.iter().map(|m| m.entity),
        );
    }

    /// What a sentence leaves: its topic, its last pair of actors, and from its mentions
    /// (`entities`, in text order) its actors and the corridors it names.
    pub(super) fn advance_with(
        &mut self,
        g: &Gazetteer,
        topic: Option<EntityIdx>,
        pair: Option<(EntityIdx, EntityIdx)>,
        entities: impl Iterator<Item = EntityIdx> + Clone,
    ) {
        if let Some(t) = topic {
            self.topic = Some(t);
        }
        if let Some(p) = pair {
            self.pair = Some(p);
        }
        let actors: Vec<EntityIdx> = entities
            .clone()
            .filter(|&e| super::ACTOR.contains(&g.entity(e).etype))
            .collect();
        if !actors.is_empty() {
            self.prev_actors = actors;
        }
        for e in entities {
            if g.entity(e).etype == EntityType::Corridor {
                self.corridors.retain(|&c| c != e);
                self.corridors.push(e);
            }
        }
        if self.corridors.len() > 8 {
            let extra = self.corridors.len() - 8;
            self.corridors.drain(..extra);
        }
    }
}

/// The relations of sentences whose analysis read no context, by a hash of the sentence's
/// text and mentions, so that a copy of such a sentence (syndicated news repeats them) is
/// not analysed again. Direct-mapped and of fixed size: memory stays bounded whatever the
/// corpus, and a copy read soon after its original (the same story from another outlet, or
/// the same day) is found. A 64-bit hash names the entry, as keys do in the merge.
#[derive(Debug)]
pub struct RelationMemo {
    slots: Vec<Option<Memo>>,
    /// Lookups that found their sentence.
    pub hits: u64,
}

#[derive(Debug, Clone)]
pub(super) struct Memo {
    key: u64,
    pub(super) relations: Vec<super::RelationHit>,
    pub(super) topic: Option<EntityIdx>,
    pub(super) pair: Option<(EntityIdx, EntityIdx)>,
    /// The sentence takes back the one before ("Minsk denied these allegations").
    pub(super) retract: bool,
}

impl Default for RelationMemo {
    fn default() -> Self {
        Self::with_slots(1 << 14)
    }
}

impl RelationMemo {
    /// A memo of `slots` entries (a power of two).
    pub fn with_slots(slots: usize) -> Self {
        RelationMemo {
            slots: vec![None; slots.next_power_of_two()],
            hits: 0,
        }
    }

    fn slot(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & (self.slots.len() - 1)
    }

    pub(super) fn get(&mut self, key: u64) -> Option<&Memo> {
        let i = self.slot(key);
        let found = self.slots[i].as_ref().filter(|m| m.key == key);
        if found.is_some() {
            self.hits += 1;
        }
        found
    }

    pub(super) fn insert(
        &mut self,
        key: u64,
        relations: &[super::RelationHit],
        topic: Option<EntityIdx>,
        pair: Option<(EntityIdx, EntityIdx)>,
        retract: bool,
    ) {
        let i = self.slot(key);
        self.slots[i] = Some(Memo {
            key,
            relations: relations.to_vec(),
            topic,
            pair,
            retract,
        });
    }

    /// The key of a sentence: its exact text and its mentions (entity, kind and span
    /// relative to the sentence), all the relation stage reads besides the context.
    pub(super) fn key(text: &str, offset: usize, mentions: &[Mention]) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        text.hash(&mut h);
        for m in mentions {
            (m.entity, m.start - offset, m.end - offset, m.kind as u8).hash(&mut h);
        }
        h.finish()
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
            let pair = here.or_else(|| ctx.pair().map(|(a, b)| vec![a, b]))?;
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
            .or_else(|| ctx.topic().filter(|&t| ok(t)))
            .or_else(|| ctx.prev_actors().iter().rev().copied().find(|&e| ok(e)))?;
        Some(Arg {
            resolved: Some(format!("{word} -> {}", self.g.entity(e).name)),
            entities: vec![e],
            pos: r.start,
        })
    }
}
