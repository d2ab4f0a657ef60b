//! Loading the rules: `gazetteer/relations.toml` parsed into relation types, cues and the
//! marker automaton (cues, modality, negation, clauses, references).

use aho_corasick::{AhoCorasickBuilder, MatchKind};
use serde::Deserialize;

use super::context::ReferenceSpotter;
use super::corridors::route_names;
use super::membership::MembershipRules;
use super::{Cue, Marker, Pattern, RelIds, RelationDef, RelationRules, SubjectWords};
use crate::error::{line_of, Error, Result};
use crate::gazetteer::{EntityType, Gazetteer};
use crate::graph::Status;
use crate::text::fold;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    relation: Vec<toml::Spanned<RawRelation>>,
    #[serde(default)]
    cue: Vec<toml::Spanned<RawCue>>,
    #[serde(default)]
    modality: RawModality,
    #[serde(default)]
    negation: RawNegation,
    #[serde(default)]
    ignore: RawPhrases,
    #[serde(default)]
    arms: RawWords,
    #[serde(default)]
    pair_conflict: RawNouns,
    #[serde(default)]
    clauses: RawClauses,
    #[serde(default)]
    references: RawRefs,
    #[serde(default)]
    subjects: RawSubjects,
    #[serde(default)]
    membership: RawMembership,
    #[serde(default)]
    corridor_references: RawPhrases,
    #[serde(default)]
    conflict: RawConflict,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSubjects {
    #[serde(default)]
    pronouns: Vec<String>,
    #[serde(default)]
    gerund_after: Vec<String>,
    #[serde(default)]
    passive: Vec<String>,
    #[serde(default)]
    active: Vec<String>,
    #[serde(default)]
    adverbs: Vec<String>,
    #[serde(default)]
    joining: Vec<String>,
}

/// `[membership]`: what says an actor is not a full member, and which organizations have
/// no members.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMembership {
    #[serde(default)]
    not_member: Vec<String>,
    #[serde(default)]
    no_members: Vec<String>,
    #[serde(default)]
    ally: Vec<String>,
    #[serde(default)]
    ally_categories: Vec<String>,
}

/// `[conflict]`: phrases with a conflict word that state no armed conflict ("trade war").
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConflict {
    #[serde(default)]
    ignore: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelation {
    name: String,
    label: String,
    source: Vec<String>,
    target: Vec<String>,
    #[serde(default)]
    symmetric: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCue {
    name: String,
    pattern: Pattern,
    status: Option<String>,
    #[serde(default)]
    requires_near: Vec<String>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    recipient: Vec<String>,
    phrases: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawModality {
    #[serde(default)]
    negotiating: Vec<String>,
    #[serde(default)]
    interest: Vec<String>,
    #[serde(default)]
    agreed: Vec<String>,
    #[serde(default)]
    hypothetical: Vec<String>,
    #[serde(default)]
    distributive: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawNegation {
    #[serde(default)]
    clause: Vec<String>,
    #[serde(default)]
    sentence: Vec<String>,
    #[serde(default)]
    retract: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPhrases {
    #[serde(default)]
    phrases: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawWords {
    #[serde(default)]
    words: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawNouns {
    #[serde(default)]
    nouns: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawClauses {
    #[serde(default)]
    hard: Vec<String>,
    #[serde(default)]
    relative: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRefs {
    #[serde(default)]
    single: Vec<String>,
    #[serde(default)]
    pair: Vec<String>,
}

impl RelationRules {
    /// The embedded default rules.
    pub fn embedded(g: &Gazetteer) -> Result<Self> {
        Self::parse(
            "<embedded>/relations.toml",
            include_str!("../../gazetteer/relations.toml"),
            g,
        )
    }

    /// Parse rules from TOML text; errors name `file` and the line.
    pub fn parse(file: &str, text: &str, g: &Gazetteer) -> Result<Self> {
        let raw: RawRules = toml::from_str(text).map_err(|e| {
            Error::data(
                file,
                e.span().map(|s| line_of(text, s.start)).unwrap_or(1),
                e.message().to_string(),
            )
        })?;
        let mut rules = RelationRules::default();
        for r in raw.relation {
            let line = line_of(text, r.span().start);
            let r = r.into_inner();
            let types = |v: &[String]| -> Result<Vec<EntityType>> {
                v.iter()
                    .map(|t| {
                        EntityType::parse(t).ok_or_else(|| {
                            Error::data(
                                file,
                                line,
                                format!("relation {}: unknown entity type {t:?}", r.name),
                            )
                        })
                    })
                    .collect()
            };
            if rules.defs.iter().any(|d| d.name == r.name) {
                return Err(Error::data(
                    file,
                    line,
                    format!("relation {:?} defined twice", r.name),
                ));
            }
            rules.defs.push(RelationDef {
                source: types(&r.source)?,
                target: types(&r.target)?,
                name: r.name,
                label: r.label,
                symmetric: r.symmetric,
            });
        }
        let id = |n: &str| rules.defs.iter().position(|d| d.name == n);
        rules.rel = RelIds {
            supplies: id("supplies_arms_to"),
            acquires: id("acquires"),
            made_by: id("made_by"),
            via: id("corridor_via"),
            member: id("member_of"),
            conflict: id("conflict_with"),
            cooperates: id("cooperates_with"),
        };
        let mut entries: Vec<(String, Marker)> = Vec::new();
        for c in raw.cue {
            let line = line_of(text, c.span().start);
            let c = c.into_inner();
            let status = match c.status.as_deref() {
                None => None,
                Some(s) => Some(Status::parse(s).ok_or_else(|| {
                    Error::data(file, line, format!("cue {:?}: unknown status {s:?} (delivered, agreed, negotiating, interest)", c.name))
                })?),
            };
            if c.phrases.iter().any(|p| p.trim().is_empty()) {
                return Err(Error::data(
                    file,
                    line,
                    format!("cue {:?}: empty phrase", c.name),
                ));
            }
            let needed = match c.pattern {
                Pattern::Transfer | Pattern::TransferPassive | Pattern::Acquire => {
                    rules.rel.supplies
                }
                Pattern::Operate | Pattern::OperateInverse | Pattern::OperatorNoun => {
                    rules.rel.acquires
                }
                Pattern::MadeByPassive | Pattern::MadeByCompound => rules.rel.made_by,
                Pattern::Corridor | Pattern::CorridorInverse => rules.rel.via,
                Pattern::Member | Pattern::MemberInverse | Pattern::MemberCompound => {
                    rules.rel.member
                }
                Pattern::Conflict | Pattern::ConflictBetween | Pattern::ConflictPassive => {
                    rules.rel.conflict
                }
                Pattern::Cooperate | Pattern::CooperateBetween => rules.rel.cooperates,
            };
            if needed.is_none() {
                return Err(Error::data(
                    file,
                    line,
                    format!(
                        "cue {:?}: its pattern needs a relation that is not defined",
                        c.name
                    ),
                ));
            }
            let nearest_subject = match c.subject.as_deref() {
                None | Some("clause") => false,
                Some("nearest") => true,
                Some(other) => {
                    return Err(Error::data(
                        file,
                        line,
                        format!(
                            "cue {:?}: subject must be \"clause\" or \"nearest\", not {other:?}",
                            c.name
                        ),
                    ))
                }
            };
            let idx = rules.cues.len();
            for p in &c.phrases {
                entries.push((p.clone(), Marker::Cue(idx)));
            }
            rules.cues.push(Cue {
                name: c.name,
                pattern: c.pattern,
                status,
                requires_near: c.requires_near.iter().map(|w| fold(w)).collect(),
                nearest_subject,
                recipient: if c.recipient.is_empty() {
                    vec!["to".to_string()]
                } else {
                    c.recipient.iter().map(|w| fold(w)).collect()
                },
            });
        }
        let mut add = |list: &[String], m: Marker| {
            for p in list {
                entries.push((p.clone(), m));
            }
        };
        add(
            &raw.modality.negotiating,
            Marker::Modal(Status::Negotiating),
        );
        add(&raw.modality.interest, Marker::Modal(Status::Interest));
        add(&raw.modality.agreed, Marker::Modal(Status::Agreed));
        add(&raw.modality.hypothetical, Marker::Hypothetical);
        add(&raw.modality.distributive, Marker::Distributive);
        add(&raw.negation.clause, Marker::NegClause);
        add(&raw.negation.sentence, Marker::NegSentence);
        add(&raw.negation.retract, Marker::Retract);
        add(&raw.ignore.phrases, Marker::Ignore);
        add(&raw.arms.words, Marker::Arms);
        add(&raw.pair_conflict.nouns, Marker::PairNoun);
        add(&raw.clauses.hard, Marker::ClauseHard);
        add(&raw.clauses.relative, Marker::ClauseRelative);
        add(&raw.references.single, Marker::RefSingle);
        add(&raw.references.pair, Marker::RefPair);
        add(&raw.membership.not_member, Marker::NotMember);
        add(&raw.corridor_references.phrases, Marker::RefCorridor);
        add(&raw.conflict.ignore, Marker::Ignore);
        let folded = |v: &[String]| v.iter().map(|w| fold(w)).collect::<Vec<_>>();
        rules.membership = MembershipRules {
            no_members: folded(&raw.membership.no_members),
            ally_words: folded(&raw.membership.ally),
            ally_categories: folded(&raw.membership.ally_categories),
        };
        // Corridor references are spotted too: "The pipeline runs through Georgia" names one
        // entity and is analysed only for its reference.
        let refs: Vec<(String, bool)> = raw
            .references
            .single
            .iter()
            .chain(&raw.corridor_references.phrases)
            .map(|r| (fold(r), false))
            .chain(raw.references.pair.iter().map(|r| (fold(r), true)))
            .collect();
        rules.spotter = ReferenceSpotter::new(&refs).map_err(|e| {
            Error::data(
                file,
                line_of(text, text.find("[references]").unwrap_or(0)),
                e,
            )
        })?;

        let mut index: std::collections::HashMap<String, usize> = Default::default();
        for (p, m) in entries {
            let f = fold(&p);
            let i = *index.entry(f.clone()).or_insert_with(|| {
                rules.phrases.push(f);
                rules.markers.push(Vec::new());
                rules.phrases.len() - 1
            });
            if !rules.markers[i].contains(&m) {
                rules.markers[i].push(m);
            }
        }
        if !rules.phrases.is_empty() {
            rules.ac = Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&rules.phrases)
                    .map_err(|e| {
                        Error::data(file, 1, format!("cannot build the cue automaton: {e}"))
                    })?,
            );
        }
        rules.subjects = SubjectWords {
            pronouns: raw.subjects.pronouns.iter().map(|w| fold(w)).collect(),
            gerund_after: raw.subjects.gerund_after.iter().map(|w| fold(w)).collect(),
            passive: raw.subjects.passive.iter().map(|w| fold(w)).collect(),
            active: raw.subjects.active.iter().map(|w| fold(w)).collect(),
            adverbs: raw.subjects.adverbs.iter().map(|w| fold(w)).collect(),
            joining: raw.subjects.joining.iter().map(|w| fold(w)).collect(),
        };
        rules.route_names = route_names(g);
        Ok(rules)
    }
}
