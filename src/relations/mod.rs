//! Typed relations between the entities of a sentence.
//!
//! The rules are data (`gazetteer/relations.toml`): relation types with their end types, and
//! cue phrases each tied to an argument *pattern* (who is the supplier, the recipient, the
//! route...). For every sentence the stage:
//!
//! 1. folds the text and finds every cue, modality, negation, clause and reference marker
//!    with one aho-corasick pass (overlapping, word-bounded);
//! 2. groups coordinated mentions ("Uzbekistan and Turkmenistan", "India–Pakistan") and notes
//!    the preposition before each group ("to", "from", "with", "by"...);
//! 3. applies each cue's pattern: the subject is the nearest group to the left that is not
//!    the object of a preposition (a "which" clause inherits its antecedent; "it" or "the two
//!    countries" resolve to earlier actors), objects are found to the right by preposition;
//! 4. drops what a negation or denial covers, sets the status from modality, and adds what
//!    the gazetteer knows (a weapon's maker gives `made_by` and, for purchases that name no
//!    seller, the supplier, both marked inferred).
//!
//! Where things live: cue lists in `gazetteer/relations.toml` (loaded by `rules`); the
//! sentence view (markers, groups, clauses, emitting) in `sentence`; references, pronouns
//! and subjects in `context`; one file per pattern family holds its constructions:
//! `transfer` (supplies and acquisitions, operating), `making` (made by), `corridors`,
//! `membership`, `conflict`, `cooperation`. `apply` below maps each pattern to its family.

mod conflict;
mod context;
mod cooperation;
mod corridors;
mod making;
mod membership;
mod rules;
mod sentence;
mod transfer;

use aho_corasick::AhoCorasick;
use serde::Deserialize;

use crate::gazetteer::{EntityIdx, EntityType, Gazetteer};
use crate::graph::Status;
use crate::matcher::Mention;
use crate::pipeline::SentenceRecord;
use crate::text::Folded;
pub use context::{DocContext, ReferenceSpotter, RelationMemo, Spot};
use sentence::{SentenceFold, SentenceView};

/// One typed relation found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationHit {
    pub source: EntityIdx,
    pub target: EntityIdx,
    /// Index into [`RelationRules::relation`].
    pub relation: usize,
    /// Name of the rule that fired (cue name and pattern, or the inference used).
    pub rule: String,
    pub status: Option<Status>,
    pub weapons: Vec<EntityIdx>,
    pub years: Vec<u16>,
    pub inferred: bool,
    pub resolved: Option<String>,
}

/// A relation type.
#[derive(Debug, Clone)]
pub struct RelationDef {
    pub name: String,
    pub label: String,
    pub source: Vec<EntityType>,
    pub target: Vec<EntityType>,
    pub symmetric: bool,
}

/// How a cue's arguments attach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    Transfer,
    TransferPassive,
    Acquire,
    Operate,
    OperateInverse,
    OperatorNoun,
    MadeByPassive,
    MadeByCompound,
    Corridor,
    CorridorInverse,
    Member,
    MemberInverse,
    MemberCompound,
    Conflict,
    ConflictBetween,
    ConflictPassive,
    Cooperate,
    CooperateBetween,
}

/// A cue: phrases that state one kind of relation, and how its arguments attach.
#[derive(Debug, Clone)]
pub struct Cue {
    pub name: String,
    pub pattern: Pattern,
    pub status: Option<Status>,
    /// Folded words one of which must occur in the sentence.
    pub requires_near: Vec<String>,
    /// Noun cues ("war against", "attack on") take the nearest actor before them as the
    /// subject, even when it is a prepositional object ("support to Baku during the war").
    pub nearest_subject: bool,
    /// Prepositions that introduce a transfer's recipient (folded; "to" unless the cue says
    /// otherwise: "building corvettes for the navy").
    pub recipient: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Cue(usize),
    Modal(Status),
    NegClause,
    NegSentence,
    /// "these allegations", "the reports": a denial of them also takes back the sentence
    /// before.
    Retract,
    Ignore,
    ClauseHard,
    ClauseRelative,
    RefSingle,
    RefPair,
    Arms,
    PairNoun,
    /// "respectively": coordinated subjects act separately.
    Distributive,
    /// "might", "could": a hypothetical cooperation or conflict is not stated.
    Hypothetical,
    /// "observer", "non-", "candidate": no full membership is stated.
    NotMember,
    /// "the pipeline", "the route": the corridor named before.
    RefCorridor,
}

/// The loaded relation rules.
#[derive(Debug, Clone, Default)]
pub struct RelationRules {
    defs: Vec<RelationDef>,
    cues: Vec<Cue>,
    ac: Option<AhoCorasick>,
    markers: Vec<Vec<Marker>>,
    phrases: Vec<String>,
    rel: RelIds,
    /// Reference words ("it", "the two countries"), spotted in the matcher's word walk so
    /// that sentences without a relation of their own are skipped cheaply.
    pub spotter: ReferenceSpotter,
    /// Words that decide a verb's subject (`[subjects]`).
    subjects: SubjectWords,
    /// For each entity on some corridor's route: its folded names (its aliases and the
    /// capitals that read as it), to see whether a corridor's name lists it.
    route_names: rustc_hash::FxHashMap<EntityIdx, Vec<String>>,
    /// `[membership]`: organizations without members, allies that are members.
    membership: membership::MembershipRules,
}

#[derive(Debug, Clone, Copy, Default)]
struct RelIds {
    supplies: Option<usize>,
    acquires: Option<usize>,
    made_by: Option<usize>,
    via: Option<usize>,
    member: Option<usize>,
    conflict: Option<usize>,
    cooperates: Option<usize>,
}

/// `[subjects]` of the rules (folded words).
#[derive(Debug, Clone, Default)]
struct SubjectWords {
    /// Pronouns that name no actor: right before a verb they leave it without a subject.
    pronouns: Vec<String>,
    /// Prepositions before a gerund whose subject is the clause's ("after receiving").
    gerund_after: Vec<String>,
    /// Auxiliaries before a passive participle ("were delivered to").
    passive: Vec<String>,
    /// Auxiliaries before an active verb ("has sold to").
    active: Vec<String>,
    /// Verbs whose object shares the subject's role ("X joins Y as buyers of").
    joining: Vec<String>,
    /// Adverbs skipped between a subject or auxiliary and its verb ("also", "already").
    adverbs: Vec<String>,
}

/// The actors: the ends of transfers, memberships, conflicts and cooperation.
const ACTOR: &[EntityType] = &[EntityType::Country, EntityType::Organization];
/// What a corridor runs via.
const ROUTE: &[EntityType] = &[EntityType::Country, EntityType::Place];

/// A marker found in a sentence (folded offsets).
#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    marker: Marker,
}

impl RelationRules {
    pub fn relation(&self, i: usize) -> &RelationDef {
        &self.defs[i]
    }

    pub fn relations(&self) -> &[RelationDef] {
        &self.defs
    }

    pub fn cue(&self, i: usize) -> &Cue {
        &self.cues[i]
    }

    /// Find the relations of every sentence of a document, in order (references need the
    /// sentences before).
    /// `spots` are the reference words of the document ([`ReferenceSpotter`]), in order.
    /// `folded` is the document folded for matching.
    pub fn relate_document(
        &self,
        g: &Gazetteer,
        text: &str,
        folded: &Folded,
        spots: &[Spot],
        sentences: &mut [SentenceRecord],
        mut memo: Option<&mut RelationMemo>,
    ) {
        let mut ctx = DocContext::default();
        for i in 0..sentences.len() {
            let (before, rest) = sentences.split_at_mut(i);
            let s = &mut rest[0];
            // A sentence without mentions states nothing and changes no reference, unless a
            // reference word ("the two countries") lets it speak of earlier actors.
            // A single mention relates to nothing unless it is a corridor (whose name may list
            // its route) or a reference supplies the other end.
            let worth = match s.mentions.len() {
                0 => false,
                1 => g.entity(s.mentions[0].entity).etype == EntityType::Corridor,
                _ => true,
            };
            // Without mentions only "the two countries" can still name both ends.
            // Checked only when it decides: the "it" automaton hits inside many words.
            let referred = || {
                let first = spots.partition_point(|r| r.start < s.span.start);
                spots[first..]
                    .iter()
                    .take_while(|r| r.start < s.span.end)
                    .any(|r| r.end <= s.span.end && (r.pair || !s.mentions.is_empty()))
            };
            // A sentence after one with relations may take them back ("Minsk denied these
            // allegations").
            let after_relations = before.last().is_some_and(|p| !p.relations.is_empty());
            if !worth && !after_relations && !referred() {
                // Still the sentence's subject for a following "it".
                if let [m] = s.mentions[..] {
                    if ACTOR.contains(&g.entity(m.entity).etype) {
                        ctx.set_subject(m.entity);
                    }
                }
                continue;
            }
            let sentence = &text[s.span.start..s.span.end];
            // A copy of a sentence that related without the context relates the same way.
            let key = memo
                .as_ref()
                .map(|_| RelationMemo::key(sentence, s.span.start, &s.mentions));
            if let (Some(memo), Some(key)) = (memo.as_deref_mut(), key) {
                if let Some(m) = memo.get(key) {
                    s.relations = m.relations.clone();
                    let entities = s.mentions.iter().map(|m| m.entity);
                    ctx.advance_with(g, m.topic, m.pair, entities);
                    if m.retract {
                        if let Some(prev) = before.last_mut() {
                            prev.relations.clear();
                        }
                    }
                    continue;
                }
            }
            // Only the relations: the marker views `explain` shows are not built here.
            let fold = SentenceFold::of_document(folded, s.span.start, s.span.end);
            let mut view = SentenceView::new(self, g, sentence, fold, s.span.start, &s.mentions);
            ctx.start_sentence();
            view.relate(&ctx);
            let consulted = ctx.consulted();
            ctx.advance(&view);
            // "Pakistan dismissed these allegations": what the sentence before claimed.
            let retract = view.deny && view.markers.iter().any(|h| h.marker == Marker::Retract);
            if retract {
                if let Some(prev) = before.last_mut() {
                    prev.relations.clear();
                }
            }
            if let (false, Some(memo), Some(key)) = (consulted, memo.as_deref_mut(), key) {
                memo.insert(key, &view.hits, view.topic, view.last_pair(), retract);
            }
            s.relations = view.hits;
        }
    }

    /// Analyse one sentence (`offset` = its start in the document, mentions in document
    /// offsets). Exposed for `explain`.
    pub fn analyse_sentence(
        &self,
        g: &Gazetteer,
        sentence: &str,
        offset: usize,
        mentions: &[Mention],
        ctx: &mut DocContext,
    ) -> SentenceAnalysis {
        let fold = SentenceFold::Own(Folded::new(sentence));
        let mut s = SentenceView::new(self, g, sentence, fold, offset, mentions);
        s.relate(ctx);
        ctx.advance(&s);
        SentenceAnalysis {
            cues: s
                .markers
                .iter()
                .filter(|m| !matches!(m.marker, Marker::Arms))
                .map(|m| MarkerView {
                    start: s.folded.orig(m.start) + offset,
                    end: s.folded.orig(m.end) + offset,
                    text: sentence[s.folded.orig(m.start)..s.folded.orig(m.end)].to_string(),
                    what: match m.marker {
                        Marker::Cue(c) => {
                            format!("cue {} ({:?})", self.cues[c].name, self.cues[c].pattern)
                        }
                        Marker::Modal(st) => format!("modality {}", st.as_str()),
                        Marker::NegClause => "negation (clause)".into(),
                        Marker::NegSentence => "denial (sentence)".into(),
                        Marker::Retract => {
                            "retracted claim (with a denial: the sentence before too)".into()
                        }
                        Marker::Ignore => "ignored phrase".into(),
                        Marker::ClauseHard => "clause boundary".into(),
                        Marker::ClauseRelative => "relative clause".into(),
                        Marker::RefSingle => "reference".into(),
                        Marker::RefPair => "reference to a pair".into(),
                        Marker::Arms => "arms word".into(),
                        Marker::PairNoun => "conflict noun".into(),
                        Marker::Distributive => "distributive".into(),
                        Marker::Hypothetical => "hypothetical".into(),
                        Marker::NotMember => "not a full member".into(),
                        Marker::RefCorridor => "reference to a corridor".into(),
                    },
                })
                .collect(),
            hits: s.hits,
        }
    }
}

/// What `explain` shows for a sentence.
#[derive(Debug, Clone)]
pub struct SentenceAnalysis {
    pub cues: Vec<MarkerView>,
    pub hits: Vec<RelationHit>,
}

/// A marker found in a sentence (document offsets).
#[derive(Debug, Clone)]
pub struct MarkerView {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub what: String,
}

impl SentenceView<'_> {
    /// Apply one cue's pattern: each family's file (transfer, making, corridors, membership,
    /// conflict, cooperation) holds the constructions of its patterns.
    fn apply(&mut self, cue: &Hit, c: &Cue, rule: String, ctx: &DocContext) {
        match c.pattern {
            Pattern::Transfer => self.transfer(cue, c, rule, ctx),
            Pattern::TransferPassive => self.transfer_passive(cue, c, rule, ctx),
            Pattern::Acquire => self.acquire(cue, c, rule, ctx),
            Pattern::Operate => self.operate(cue, c, rule, ctx),
            Pattern::OperateInverse => self.operate_inverse(cue, c, rule, ctx),
            Pattern::OperatorNoun => self.operator_noun(cue, c, rule, ctx),
            Pattern::MadeByPassive => self.made_by_passive(cue, c, rule, ctx),
            Pattern::MadeByCompound => self.made_by_compound(cue, c, rule, ctx),
            Pattern::Corridor => self.corridor(cue, c, rule, ctx),
            Pattern::CorridorInverse => self.corridor_inverse(cue, c, rule, ctx),
            Pattern::Member => self.member(cue, c, rule, ctx),
            Pattern::MemberInverse => self.member_inverse(cue, c, rule, ctx),
            Pattern::MemberCompound => self.member_compound(cue, c, rule, ctx),
            Pattern::Conflict => self.conflict(cue, c, rule, ctx),
            Pattern::ConflictBetween => self.conflict_between(cue, c, rule, ctx),
            Pattern::ConflictPassive => self.conflict_passive(cue, c, rule, ctx),
            Pattern::Cooperate => self.cooperate(cue, c, rule, ctx),
            Pattern::CooperateBetween => self.cooperate_between(cue, c, rule, ctx),
        }
    }
}

#[cfg(test)]
mod tests;
