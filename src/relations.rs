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

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Deserialize;
use std::sync::LazyLock;

use crate::error::{line_of, Error, Result};
use crate::gazetteer::{AliasKind, EntityIdx, EntityType, Gazetteer};
use crate::graph::Status;
use crate::matcher::Mention;
use crate::pipeline::SentenceRecord;
use crate::text::{fold, is_word_char, Folded};

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
    MadeByPassive,
    MadeByCompound,
    Corridor,
    CorridorInverse,
    Member,
    MemberInverse,
    Conflict,
    ConflictBetween,
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Cue(usize),
    Modal(Status),
    NegClause,
    NegSentence,
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
}

// ------------------------------------------------------------------------------- raw format

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
    /// For each entity on some corridor's route: its folded names (its aliases and the
    /// capitals that read as it), to see whether a corridor's name lists it.
    route_names: rustc_hash::FxHashMap<EntityIdx, Vec<String>>,
}

/// Append the words of `piece` that can join coordinated mentions (all but "'s", "the",
/// "both" and "of") to `words[..count]`; false when they do not fit, as no joining phrase
/// has more than three words.
fn joining_words<'t>(piece: &'t str, words: &mut [&'t str; 3], count: &mut usize) -> bool {
    for w in piece
        .split("'s")
        .flat_map(str::split_whitespace)
        .filter(|w| !["the", "both", "of"].contains(w))
    {
        if *count == words.len() {
            return false;
        }
        words[*count] = w;
        *count += 1;
    }
    true
}

/// The folded names of every entity on a corridor's route (see `RelationRules::route_names`).
/// Built once: looking them up in the whole gazetteer per corridor mention cost 3% of an
/// extract.
fn route_names(g: &Gazetteer) -> rustc_hash::FxHashMap<EntityIdx, Vec<String>> {
    let mut names: rustc_hash::FxHashMap<EntityIdx, Vec<String>> = g
        .entities
        .iter()
        .flat_map(|e| e.via.iter().map(|&v| (v, Vec::new())))
        .collect();
    for a in &g.aliases {
        for e in std::iter::once(a.entity).chain(a.place_reading) {
            if let Some(list) = names.get_mut(&e) {
                list.push(fold(&a.text));
            }
        }
    }
    names
}

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
    fn new(phrases: &[(String, bool)]) -> std::result::Result<Self, String> {
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

static YEAR: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?-u:\b)(1[89][0-9][0-9]|20[0-9][0-9])(?-u:\b)").expect("year regex")
});

/// Prepositions that make a mention an object rather than a subject.
const PREPOSITIONS: &[&str] = &[
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
const DETERMINERS: &[&str] = &[
    "the", "both", "all", "a", "an", "five", "three", "two", "four",
];

impl RelationRules {
    /// The embedded default rules.
    pub fn embedded(g: &Gazetteer) -> Result<Self> {
        Self::parse(
            "<embedded>/relations.toml",
            include_str!("../gazetteer/relations.toml"),
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
                Pattern::Operate => rules.rel.acquires,
                Pattern::MadeByPassive | Pattern::MadeByCompound => rules.rel.made_by,
                Pattern::Corridor | Pattern::CorridorInverse => rules.rel.via,
                Pattern::Member | Pattern::MemberInverse => rules.rel.member,
                Pattern::Conflict | Pattern::ConflictBetween => rules.rel.conflict,
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
        add(&raw.ignore.phrases, Marker::Ignore);
        add(&raw.arms.words, Marker::Arms);
        add(&raw.pair_conflict.nouns, Marker::PairNoun);
        add(&raw.clauses.hard, Marker::ClauseHard);
        add(&raw.clauses.relative, Marker::ClauseRelative);
        add(&raw.references.single, Marker::RefSingle);
        add(&raw.references.pair, Marker::RefPair);
        let refs: Vec<(String, bool)> = raw
            .references
            .single
            .iter()
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
        rules.route_names = route_names(g);
        Ok(rules)
    }

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
    ) {
        let mut ctx = DocContext::default();
        for s in sentences.iter_mut() {
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
            if !worth && !referred() {
                // Still the sentence's subject for a following "it".
                if let [m] = s.mentions[..] {
                    let t = g.entity(m.entity).etype;
                    if matches!(t, EntityType::Country | EntityType::Organization) {
                        ctx.topic = Some(m.entity);
                        ctx.prev_actors = vec![m.entity];
                    }
                }
                continue;
            }
            // Only the relations: the marker views `explain` shows are not built here.
            let fold = SentenceFold::of_document(folded, s.span.start, s.span.end);
            let mut view = SentenceView::new(
                self,
                g,
                &text[s.span.start..s.span.end],
                fold,
                s.span.start,
                &s.mentions,
            );
            view.relate(&ctx);
            ctx.advance(&view);
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
                        Marker::Ignore => "ignored phrase".into(),
                        Marker::ClauseHard => "clause boundary".into(),
                        Marker::ClauseRelative => "relative clause".into(),
                        Marker::RefSingle => "reference".into(),
                        Marker::RefPair => "reference to a pair".into(),
                        Marker::Arms => "arms word".into(),
                        Marker::PairNoun => "conflict noun".into(),
                        Marker::Distributive => "distributive".into(),
                        Marker::Hypothetical => "hypothetical".into(),
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

/// What earlier sentences of the document leave for references.
#[derive(Debug, Clone, Default)]
pub struct DocContext {
    /// The actor the previous sentence was about.
    topic: Option<EntityIdx>,
    /// The last pair of coordinated actors.
    pair: Option<(EntityIdx, EntityIdx)>,
    /// Actors of the previous sentence, in order.
    prev_actors: Vec<EntityIdx>,
}

impl DocContext {
    fn advance(&mut self, s: &SentenceView) {
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
    }
}

#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    marker: Marker,
}

/// A mention in folded coordinates.
#[derive(Debug, Clone, Copy)]
struct M {
    entity: EntityIdx,
    start: usize,
    end: usize,
    kind: AliasKind,
}

/// Coordinated mentions: "Uzbekistan and Turkmenistan", "India–Pakistan".
#[derive(Debug, Clone)]
struct Group {
    members: Vec<usize>,
    start: usize,
    end: usize,
    prep: String,
    dash: bool,
    /// Joined by "and"/"or" somewhere (a bare comma list is not trusted as coordination).
    conj: bool,
    /// Followed by "-made" or similar: a maker modifier, not an actor.
    modifier: bool,
}

struct SentenceView<'a> {
    rules: &'a RelationRules,
    g: &'a Gazetteer,
    folded: SentenceFold<'a>,
    ments: Vec<M>,
    groups: Vec<Group>,
    markers: Vec<Hit>,
    cues: Vec<Hit>,
    deny: bool,
    arms_word: bool,
    /// The sentence's original text, for the years.
    text: &'a str,
    /// Years the sentence states; computed for the first hit only, since most sentences
    /// analysed yield none.
    years: std::cell::OnceCell<Vec<u16>>,
    topic: Option<EntityIdx>,
    hits: Vec<RelationHit>,
}

/// An actor argument, with how it was found.
#[derive(Debug, Clone)]
struct Arg {
    entities: Vec<EntityIdx>,
    resolved: Option<String>,
    /// Position of the argument (folded) for distance checks.
    pos: usize,
}

/// A sentence's folded text: its slice of the document's folded copy (no second folding
/// pass), or its own copy for a sentence analysed alone (`explain`). Offsets are relative
/// to the sentence.
enum SentenceFold<'a> {
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
    fn of_document(doc: &'a Folded, orig_start: usize, orig_end: usize) -> Self {
        SentenceFold::Doc {
            doc,
            start: doc.to_folded(orig_start),
            end: doc.to_folded(orig_end),
            orig_start,
            orig_end,
        }
    }

    #[inline]
    fn text(&self) -> &str {
        match self {
            SentenceFold::Own(f) => &f.text,
            SentenceFold::Doc {
                doc, start, end, ..
            } => &doc.text[*start..*end],
        }
    }

    /// Original offset (in the sentence) of folded offset `i`.
    #[inline]
    fn orig(&self, i: usize) -> usize {
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
    fn to_folded(&self, orig: usize) -> usize {
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
    fn new(
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
    fn years(&self) -> &[u16] {
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

    fn etype(&self, e: EntityIdx) -> EntityType {
        self.g.entity(e).etype
    }

    fn is_actor(&self, e: EntityIdx) -> bool {
        matches!(
            self.etype(e),
            EntityType::Country | EntityType::Organization
        )
    }

    fn find_markers(&mut self, text: &str) {
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
                !cue_spans
                    .iter()
                    .any(|&(a, b)| a <= h.start && h.end <= b && (b - a) > (h.end - h.start))
            })
            .copied()
            .collect();
        self.cues
            .dedup_by(|a, b| a.start == b.start && a.end == b.end && a.marker == b.marker);
        self.deny = all.iter().any(|h| h.marker == Marker::NegSentence);
        self.arms_word = all.iter().any(|h| h.marker == Marker::Arms);
        self.markers = all;
    }

    /// The word before folded position `pos`, skipping determiners, possessive "'s" and
    /// numbers; empty when punctuation comes first ("In 2022, it supplied": no preposition
    /// governs "it").
    fn word_before(&self, pos: usize) -> String {
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

    fn build_groups(&mut self) {
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
                        })
                        .collect::<Vec<_>>()
                } else {
                    vec![gr]
                }
            })
            .collect();
        let mut groups = groups;
        for gr in &mut groups {
            gr.prep = self.word_before(gr.start);
            gr.modifier = self.cues.iter().any(|c| {
                c.start == gr.end
                    && matches!(c.marker, Marker::Cue(ci) if self.rules.cues[ci].pattern == Pattern::MadeByCompound)
            });
        }
        self.groups = groups;
    }

    fn last_pair(&self) -> Option<(EntityIdx, EntityIdx)> {
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

    /// Start and end (folded) of the clause holding `pos`; `relative` also cuts at "which".
    fn clause(&self, pos: usize, relative: bool) -> (usize, usize) {
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

    fn members_of(&self, gr: &Group, types: &[EntityType]) -> Vec<EntityIdx> {
        let mut v: Vec<EntityIdx> = gr
            .members
            .iter()
            .map(|&i| self.ments[i].entity)
            .filter(|&e| types.contains(&self.etype(e)))
            .collect();
        v.dedup();
        v
    }

    /// The subject of the cue at `pos`: the nearest group to the left (in the clause, across
    /// "which") that is not a prepositional object, or a reference word.
    fn subject(&self, pos: usize, types: &[EntityType], ctx: &DocContext) -> Option<Arg> {
        let (cstart, _) = self.clause(pos, false);
        let group = self
            .groups
            .iter()
            .rev()
            .filter(|gr| gr.end <= pos && gr.start >= cstart && !gr.modifier)
            .filter(|gr| !PREPOSITIONS.contains(&gr.prep.as_str()))
            .find(|gr| !self.members_of(gr, types).is_empty());
        let reference = self.markers.iter().rev().find(|h| {
            matches!(h.marker, Marker::RefSingle | Marker::RefPair)
                && h.end <= pos
                && h.start >= cstart
                && !PREPOSITIONS.contains(&self.word_before(h.start).as_str())
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

    /// The nearest group before `pos` in its relative segment, whatever its preposition.
    fn nearest_before(&self, pos: usize, types: &[EntityType]) -> Option<Arg> {
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
    fn clause_has(&self, pos: usize, marker: Marker) -> bool {
        let (a, b) = self.clause(pos, false);
        self.markers
            .iter()
            .any(|h| h.marker == marker && h.start >= a && h.end <= b)
    }

    /// Resolve a reference word to earlier actors.
    fn resolve(&self, r: &Hit, types: &[EntityType], ctx: &DocContext) -> Option<Arg> {
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
        // A single reference: the subject named earlier in this sentence, else the topic of
        // the sentence before, else the last fitting actor there.
        let here = self
            .groups
            .iter()
            .filter(|gr| {
                gr.end <= r.start && !PREPOSITIONS.contains(&gr.prep.as_str()) && !gr.modifier
            })
            .flat_map(|gr| self.members_of(gr, types))
            .find(|&e| ok(e));
        let e = here
            .or(ctx.topic.filter(|&t| ok(t)))
            .or_else(|| ctx.prev_actors.iter().rev().copied().find(|&e| ok(e)))?;
        Some(Arg {
            resolved: Some(format!("{word} -> {}", self.g.entity(e).name)),
            entities: vec![e],
            pos: r.start,
        })
    }

    /// Groups after `pos` within the clause (cut at "which" too), optionally only those
    /// after one of `preps`.
    fn objects_after(
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

    fn weapons_in(&self, from: usize, to: usize) -> Vec<EntityIdx> {
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

    fn negated(&self, cue: &Hit) -> bool {
        let (cstart, _) = self.clause(cue.start, true);
        let (hstart, _) = self.clause(cue.start, false);
        self.markers.iter().any(|h| {
            h.marker == Marker::NegClause
                && h.end <= cue.start
                && h.start >= cstart.min(hstart).max(cstart)
        })
    }

    /// A negation between two positions (a "bypass" between a route verb and a place).
    fn negated_between(&self, a: usize, b: usize) -> bool {
        self.markers
            .iter()
            .any(|h| h.marker == Marker::NegClause && h.start >= a && h.end <= b)
    }

    fn status_at(&self, cue: &Hit, default: Option<Status>) -> Option<Status> {
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
    fn emit_each(
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
    fn emit_among(
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
    fn emit(
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

    fn relate(&mut self, ctx: &DocContext) {
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
        self.maker_knowledge();
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

    fn apply(&mut self, cue: &Hit, c: &Cue, rule: String, ctx: &DocContext) {
        const ACTOR: &[EntityType] = &[EntityType::Country, EntityType::Organization];
        const ROUTE: &[EntityType] = &[EntityType::Country, EntityType::Place];
        let r = self.rules.rel;
        let (seg_start, seg_end) = self.clause(cue.start, true);
        match c.pattern {
            Pattern::Transfer => {
                let weapons = self.weapons_in(seg_start, seg_end);
                let rec_group = self
                    .objects_after(cue.end, ACTOR, Some(&["to"]))
                    .first()
                    .map(|gr| (self.members_of(gr, ACTOR), gr.start));
                let Some((rec, rec_start)) = rec_group else {
                    return;
                };
                // What is handed over must be arms: a weapon or an arms word between the
                // verb and the recipient ("provided financial assistance to" is not).
                let object = &self.folded.text()[cue.start..rec_start];
                let arms_object = self.ments.iter().any(|m| {
                    m.start >= cue.end
                        && m.end <= rec_start
                        && self.etype(m.entity) == EntityType::Weapon
                }) || self.markers.iter().any(|h| {
                    h.marker == Marker::Arms && h.start >= cue.start && h.end <= rec_start
                }) || object.contains("arms");
                if !arms_object {
                    return;
                }
                let status = self.status_at(cue, c.status);
                let weapons_after = self.weapons_in(cue.end, seg_end);
                for &w in &weapons_after {
                    self.emit_each(r.acquires, &rec, &[w], &rule, status, &[w], &None);
                }
                let Some(sup) = self.subject(cue.start, ACTOR, ctx) else {
                    return;
                };
                self.emit_each(
                    r.supplies,
                    &sup.entities,
                    &rec,
                    &rule,
                    status,
                    &weapons,
                    &sup.resolved,
                );
            }
            Pattern::TransferPassive => {
                let weapons = self.weapons_in(seg_start, seg_end);
                if weapons.is_empty() && !self.arms_word {
                    return;
                }
                let sup: Vec<EntityIdx> = self
                    .objects_after(cue.end, ACTOR, Some(&["by"]))
                    .first()
                    .map(|gr| self.members_of(gr, ACTOR))
                    .unwrap_or_default();
                let rec = self
                    .objects_after(cue.end, ACTOR, Some(&["to"]))
                    .first()
                    .map(|gr| Arg {
                        entities: self.members_of(gr, ACTOR),
                        resolved: None,
                        pos: gr.start,
                    })
                    .or_else(|| self.subject(cue.start, ACTOR, ctx));
                let Some(rec) = rec else { return };
                let status = self.status_at(cue, c.status);
                self.emit_each(
                    r.supplies,
                    &sup,
                    &rec.entities,
                    &rule,
                    status,
                    &weapons,
                    &rec.resolved,
                );
            }
            Pattern::Acquire => {
                let weapons = self.weapons_in(seg_start, seg_end);
                if weapons.is_empty() && !self.arms_word {
                    return;
                }
                let Some(rec) = self.subject(cue.start, ACTOR, ctx) else {
                    return;
                };
                let status = self.status_at(cue, c.status);
                // The seller: "from X" after the cue, "on X" for dependence, or the partner
                // of a deal or negotiation in the same clause ("a deal with China for the
                // acquisition of").
                let mut sellers: Vec<EntityIdx> = self
                    .objects_after(cue.end, ACTOR, Some(&["from", "on"]))
                    .first()
                    .map(|gr| self.members_of(gr, ACTOR))
                    .unwrap_or_default();
                if sellers.is_empty() {
                    let (hs, he) = self.clause(cue.start, false);
                    sellers = self
                        .groups
                        .iter()
                        .filter(|gr| {
                            gr.start >= hs.max(rec.pos) && gr.end <= he && gr.prep == "with"
                        })
                        .flat_map(|gr| self.members_of(gr, ACTOR))
                        .collect();
                }
                let mut inferred_sellers = Vec::new();
                if sellers.is_empty() {
                    // Gazetteer knowledge: the weapon's maker countries.
                    for &w in &weapons {
                        for &m in &self.g.entity(w).made_by {
                            if self.etype(m) == EntityType::Country && !rec.entities.contains(&m) {
                                inferred_sellers.push(m);
                            }
                        }
                    }
                }
                self.emit_each(
                    r.supplies,
                    &sellers,
                    &rec.entities,
                    &rule,
                    status,
                    &weapons,
                    &rec.resolved,
                );
                // A maker standing in for the seller is gazetteer knowledge: always inferred.
                for &t in &rec.entities {
                    for &s in &inferred_sellers {
                        self.emit(
                            r.supplies,
                            s,
                            t,
                            format!("{rule} + maker of the weapon"),
                            status,
                            &weapons,
                            true,
                            rec.resolved.clone(),
                        );
                    }
                }
                for &w in &weapons {
                    self.emit_each(
                        r.acquires,
                        &rec.entities,
                        &[w],
                        &rule,
                        status,
                        &[w],
                        &rec.resolved,
                    );
                }
            }
            Pattern::Operate => {
                // Only weapons right after the verb: "operate a joint facility for the
                // production of the Kaan" operates a facility, not the Kaan.
                let weapons = self.weapons_in(cue.end, seg_end.min(cue.end + 48));
                if weapons.is_empty() {
                    return;
                }
                // Only the weapons right after the verb ("deployed J-10C jets, which ...").
                let Some(rec) = self.subject(cue.start, ACTOR, ctx) else {
                    return;
                };
                // Operating is a fact of the present; modality nearby belongs to other verbs.
                let status = c.status;
                for &w in &weapons {
                    self.emit_each(
                        r.acquires,
                        &rec.entities,
                        &[w],
                        &rule,
                        status,
                        &[w],
                        &rec.resolved,
                    );
                }
            }
            Pattern::MadeByPassive => {
                let makers_group = self
                    .objects_after(cue.end, ACTOR, None)
                    .first()
                    .map(|gr| (self.members_of(gr, ACTOR), gr.end));
                let Some((makers, makers_end)) = makers_group else {
                    return;
                };
                let left = self
                    .ments
                    .iter()
                    .rev()
                    .find(|m| {
                        m.end <= cue.start
                            && m.start >= seg_start
                            && self.etype(m.entity) == EntityType::Weapon
                    })
                    .map(|m| m.entity);
                let weapon = left.or_else(|| {
                    self.ments
                        .iter()
                        .find(|m| {
                            m.start >= makers_end && self.etype(m.entity) == EntityType::Weapon
                        })
                        .map(|m| m.entity)
                });
                let Some(w) = weapon else { return };
                for &mk in &makers {
                    self.emit(r.made_by, w, mk, rule.clone(), None, &[], false, None);
                }
                if self.folded.text()[..cue.start]
                    .trim_end()
                    .ends_with("jointly")
                {
                    self.emit_among(r.cooperates, &makers, &format!("{rule} + jointly"), &None);
                }
            }
            Pattern::MadeByCompound => {
                // DEMONYM-made WEAPON: the mention must end right at the cue.
                let Some(maker) = self
                    .ments
                    .iter()
                    .find(|m| m.end == cue.start && self.is_actor(m.entity))
                    .copied()
                else {
                    return;
                };
                if cue.start > 0
                    && self.folded.text()[cue.start..].starts_with(' ')
                    && maker.kind != AliasKind::Demonym
                {
                    return;
                }
                // The weapon follows within a few words, in the same clause.
                let window_end = (cue.end + 60).min(seg_end);
                let weapon = self
                    .ments
                    .iter()
                    .find(|m| m.start >= cue.end && m.end <= window_end && !self.is_actor(m.entity))
                    .filter(|m| self.etype(m.entity) == EntityType::Weapon)
                    .map(|m| m.entity);
                if let Some(w) = weapon {
                    self.emit(r.made_by, w, maker.entity, rule, None, &[], false, None);
                }
            }
            Pattern::Corridor => {
                // The corridor: nearest to the left in the clause (a "which" clause keeps it).
                let (hs, he) = self.clause(cue.start, false);
                let Some(corr) = self
                    .ments
                    .iter()
                    .rev()
                    .find(|m| {
                        m.end <= cue.start
                            && m.start >= hs
                            && self.etype(m.entity) == EntityType::Corridor
                    })
                    .copied()
                else {
                    return;
                };
                // Another verb of a different clause between corridor and cue ends its reach.
                let targets: Vec<(usize, EntityIdx)> = self
                    .ments
                    .iter()
                    .filter(|m| {
                        m.start >= cue.end && m.end <= he && ROUTE.contains(&self.etype(m.entity))
                    })
                    .map(|m| (m.start, m.entity))
                    .collect();
                for (pos, t) in targets {
                    if self.negated_between(cue.end, pos)
                        || self.negated_between(corr.end, cue.start)
                    {
                        continue;
                    }
                    self.emit(r.via, corr.entity, t, rule.clone(), None, &[], false, None);
                }
            }
            Pattern::CorridorInverse => {
                let Some(corr) = self
                    .ments
                    .iter()
                    .find(|m| {
                        m.start >= cue.end
                            && m.end <= seg_end
                            && self.etype(m.entity) == EntityType::Corridor
                    })
                    .copied()
                else {
                    return;
                };
                let Some(place) = self.subject(cue.start, ROUTE, ctx) else {
                    return;
                };
                for &p in &place.entities {
                    self.emit(
                        r.via,
                        corr.entity,
                        p,
                        rule.clone(),
                        None,
                        &[],
                        false,
                        place.resolved.clone(),
                    );
                }
            }
            Pattern::Member => {
                let Some(org) = self
                    .objects_after(cue.end, &[EntityType::Organization], None)
                    .first()
                    .map(|gr| self.members_of(gr, &[EntityType::Organization]))
                else {
                    return;
                };
                let Some(member) = self.subject(cue.start, ACTOR, ctx) else {
                    return;
                };
                self.emit_each(
                    r.member,
                    &member.entities,
                    &org,
                    &rule,
                    None,
                    &[],
                    &member.resolved,
                );
            }
            Pattern::MemberInverse => {
                let org = self
                    .subject(cue.start, &[EntityType::Organization], ctx)
                    .or_else(|| self.nearest_before(cue.start, &[EntityType::Organization]));
                let Some(org) = org else { return };
                let members: Vec<EntityIdx> = self
                    .objects_after(cue.end, ACTOR, None)
                    .first()
                    .map(|gr| self.members_of(gr, ACTOR))
                    .unwrap_or_default();
                self.emit_each(
                    r.member,
                    &members,
                    &org.entities,
                    &rule,
                    None,
                    &[],
                    &org.resolved,
                );
            }
            Pattern::Conflict => {
                if self.clause_has(cue.start, Marker::Hypothetical) {
                    return;
                }
                let subj = if c.nearest_subject {
                    // The noun's owner sits close by ("Israel's attack on", "to Baku during
                    // the war against"), not a clause away.
                    self.nearest_before(cue.start, ACTOR)
                        .filter(|a| cue.start.saturating_sub(a.pos) <= 48)
                } else {
                    self.subject(cue.start, ACTOR, ctx)
                };
                let Some(subj) = subj else { return };
                // The object follows closely ("strikes against six locations in Pakistan"),
                // never as an agent ("a ceasefire brokered by the U.S.").
                let objs: Vec<EntityIdx> = self
                    .objects_after(cue.end, ACTOR, None)
                    .into_iter()
                    .find(|gr| gr.prep != "by")
                    .filter(|gr| gr.start <= cue.end + 60)
                    .map(|gr| self.members_of(gr, ACTOR))
                    .unwrap_or_default();
                self.emit_each(
                    r.conflict,
                    &subj.entities,
                    &objs,
                    &rule,
                    None,
                    &[],
                    &subj.resolved,
                );
            }
            Pattern::ConflictBetween | Pattern::CooperateBetween => {
                if self.clause_has(cue.start, Marker::Hypothetical) {
                    return;
                }
                let rel = if c.pattern == Pattern::ConflictBetween {
                    r.conflict
                } else {
                    r.cooperates
                };
                let parties = self.between_parties(cue, ctx);
                if let Some(arg) = parties {
                    let v = arg.entities;
                    self.emit_among(rel, &v, &rule, &arg.resolved);
                }
            }
            Pattern::Cooperate => {
                if self.clause_has(cue.start, Marker::Hypothetical) {
                    return;
                }
                let by = self
                    .objects_after(cue.end, ACTOR, Some(&["by"]))
                    .first()
                    .map(|gr| Arg {
                        entities: self.members_of(gr, ACTOR),
                        resolved: None,
                        pos: gr.start,
                    })
                    .or_else(|| {
                        self.markers
                            .iter()
                            .find(|h| {
                                matches!(h.marker, Marker::RefPair | Marker::RefSingle)
                                    && h.start >= cue.end
                                    && h.start <= cue.end + 12
                                    && self.word_before(h.start) == "by"
                            })
                            .and_then(|h| self.resolve(h, ACTOR, ctx))
                    });
                // "agreed to resume negotiations": agreeing to talk is not an agreement.
                if self.markers.iter().any(|h| {
                    h.marker == Marker::Modal(Status::Negotiating)
                        && h.start >= cue.end
                        && h.start <= cue.end + 40
                }) {
                    return;
                }
                let subj = by
                    .or_else(|| self.subject(cue.start, ACTOR, ctx))
                    .or_else(|| self.nearest_before(cue.start, ACTOR));
                let Some(subj) = subj else { return };
                let mut parties = subj.entities.clone();
                let partners: Vec<EntityIdx> = self
                    .objects_after(cue.end, ACTOR, Some(&["with"]))
                    .first()
                    .filter(|gr| gr.start <= cue.end + 50)
                    .map(|gr| self.members_of(gr, ACTOR))
                    .or_else(|| {
                        // "a deal with China for the acquisition": the partner before the cue.
                        let (hs, _) = self.clause(cue.start, false);
                        self.groups
                            .iter()
                            .rev()
                            .find(|gr| gr.end <= cue.start && gr.start >= hs && gr.prep == "with")
                            .map(|gr| self.members_of(gr, ACTOR))
                    })
                    .unwrap_or_default();
                if !partners.is_empty() {
                    // "X and Y signed ... with Z": each signs with Z.
                    self.emit_each(
                        r.cooperates,
                        &subj.entities,
                        &partners,
                        &rule,
                        None,
                        &[],
                        &subj.resolved,
                    );
                    return;
                }
                if parties.len() == 1 {
                    // "X visited Y, leading to the signing of agreements": the other actor of
                    // the clause between subject and cue.
                    let (hs, _) = self.clause(cue.start, false);
                    if let Some(other) = self
                        .groups
                        .iter()
                        .filter(|gr| gr.end <= cue.start && gr.start >= hs && !gr.modifier)
                        // A direct object ("visited Pakistan") or a partner ("relationship
                        // with Saudi Arabia"), not a location ("war in Ukraine").
                        .filter(|gr| {
                            !PREPOSITIONS.contains(&gr.prep.as_str())
                                || matches!(gr.prep.as_str(), "with" | "of")
                        })
                        .flat_map(|gr| self.members_of(gr, ACTOR))
                        .find(|e| !parties.contains(e))
                    {
                        parties.push(other);
                    }
                } else if self.clause_has(cue.start, Marker::Distributive) {
                    // "X and Y signed 37 and 28 memoranda, respectively": not with each other.
                    return;
                }
                parties.dedup();
                self.emit_among(r.cooperates, &parties, &rule, &subj.resolved);
            }
        }
    }

    /// The coordinated parties after a "between" cue, or a pair reference there.
    fn between_parties(&self, cue: &Hit, ctx: &DocContext) -> Option<Arg> {
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

    /// "the Pakistan–India aerial conflict": a dash pair right before a conflict noun.
    fn pair_conflicts(&mut self) {
        const ACTOR: &[EntityType] = &[EntityType::Country, EntityType::Organization];
        let nouns: Vec<Hit> = self
            .markers
            .iter()
            .filter(|h| h.marker == Marker::PairNoun)
            .copied()
            .collect();
        let mut found = Vec::new();
        for gr in self.groups.iter().filter(|gr| gr.dash) {
            let actors = self.members_of(gr, ACTOR);
            if actors.len() < 2 {
                continue;
            }
            let close = nouns.iter().any(|n| {
                n.start >= gr.end && {
                    let gap = &self.folded.text()[gr.end..n.start];
                    gap.split_whitespace().count() <= 2 && !gap.contains([',', ';', '.'])
                }
            });
            let negated = self.markers.iter().any(|h| {
                h.marker == Marker::NegClause
                    && h.end <= gr.start
                    && self.clause(gr.start, true).0 <= h.start
            });
            if close && !negated {
                found.push(actors);
            }
        }
        for actors in found {
            self.emit_among(
                self.rules.rel.conflict,
                &actors,
                "hyphenated pair + conflict noun",
                &None,
            );
        }
    }

    /// What the gazetteer knows: corridor names that list their route, and weapon makers
    /// named next to the weapon.
    fn maker_knowledge(&mut self) {
        // A corridor whose name (as written) names countries or places runs via them:
        // "Uzbekistan–Afghanistan–Pakistan railway", "Chabahar–Zahedan railway".
        for i in 0..self.ments.len() {
            let m = self.ments[i];
            if self.etype(m.entity) != EntityType::Corridor {
                continue;
            }
            let surface = &self.folded.text()[m.start..m.end];
            let named: Vec<EntityIdx> = self
                .g
                .entity(m.entity)
                .via
                .iter()
                .copied()
                .filter(|&v| self.named_in(surface, v))
                .collect();
            for v in named {
                self.emit(
                    self.rules.rel.via,
                    m.entity,
                    v,
                    "corridor name lists its route".into(),
                    None,
                    &[],
                    false,
                    None,
                );
            }
        }
        // "China's PL-15E", "Chinese J-10C": a known maker named right before the weapon.
        for i in 0..self.ments.len() {
            let w = self.ments[i];
            if self.etype(w.entity) != EntityType::Weapon || i == 0 {
                continue;
            }
            let prev = self.ments[i - 1];
            let gap = &self.folded.text()[prev.end..w.start];
            let words = gap.split_whitespace().count();
            let possessive = gap.starts_with("'s");
            let close = (possessive || prev.kind == AliasKind::Demonym)
                && words <= 3
                && !gap.contains([',', ';', '(']);
            if close && self.g.entity(w.entity).made_by.contains(&prev.entity) {
                let compound = self.cues.iter().any(|c| c.start == prev.end);
                if !compound {
                    self.emit(
                        self.rules.rel.made_by,
                        w.entity,
                        prev.entity,
                        "maker named before a weapon it makes".into(),
                        None,
                        &[],
                        true,
                        None,
                    );
                }
            }
        }
    }

    /// Does folded `surface` name entity `e` by one of its aliases (as a whole word)?
    fn named_in(&self, surface: &str, e: EntityIdx) -> bool {
        let names = self
            .rules
            .route_names
            .get(&e)
            .map_or(&[][..], Vec::as_slice);
        names.iter().any(|f| {
            surface.match_indices(f.as_str()).any(|(i, _)| {
                let before_ok = surface[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !is_word_char(c));
                let after_ok = surface[i + f.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !is_word_char(c));
                before_ok && after_ok
            })
        })
    }
}

#[cfg(test)]
mod tests;
