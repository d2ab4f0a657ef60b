//! The pattern recogniser: finds entities the gazetteer does not list by their shape and
//! context ("the Kyrgyz Air Force", "Kalyani Group", "the Ababil-II drone", "Torugart
//! pass", "kun.uz"), in the spirit of GATE ANNIE's grammars over its lists.
//!
//! The rules are data (`gazetteer/patterns/*.toml`, format in `gazetteer/README.md`); this
//! module is the small engine that runs them. A rule is a sequence of elements (a word from
//! a list, a run of capitalised words, a token of some shape, a gazetteer mention of some
//! type) around one trigger element. The trigger words are read in the matcher's word walk,
//! so text without them costs nothing more; at each trigger the rule is matched outwards
//! over the tokens of its sentence. A match names an entity built from a template ("{country}
//! {force}"), which is the listed entity of that name when the gazetteer has one (the
//! gazetteer always wins) and otherwise a new entity with `pattern` set, shared by every
//! document that names it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use regex::Regex;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;
use toml::Spanned;

use crate::error::{line_of, Error, Result};
use crate::gazetteer::{slug, AliasKind, Entity, EntityIdx, EntityType, Gazetteer, SourceFile};
use crate::matcher::{leading_word, Mention, StartFilter, COMMON_WORDS};
use crate::text::{fold, is_word_char, normalise_keep_case, Folded, SentenceSpan};

// ---------------------------------------------------------------------------- raw format

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    lists: BTreeMap<String, Vec<String>>,
    /// Spellings a captured word is written in ("Defense" -> "Defence").
    #[serde(default)]
    spelling: BTreeMap<String, String>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    #[serde(rename = "type")]
    etype: String,
    #[serde(rename = "match")]
    elements: Vec<RawElement>,
    name: String,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    context: Option<Words>,
    /// Weapons: a suffix to strip from the name to find the family the gazetteer knows.
    #[serde(default)]
    fold: Option<String>,
    /// Write the name in lower case (web domains: "Kun.uz" and "kun.uz" are one outlet).
    #[serde(default)]
    lowercase: bool,
}

#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum Words {
    List(String),
    Inline(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawElement {
    words: Option<Words>,
    #[serde(default)]
    name: bool,
    shape: Option<String>,
    entity: Option<Vec<String>>,
    triggers: Option<Words>,
    #[serde(default)]
    trigger: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    cap: bool,
    #[serde(default)]
    hyphen_suffix: bool,
    #[serde(rename = "as")]
    capture: Option<String>,
    min: Option<usize>,
    max: Option<usize>,
    own: Option<usize>,
    #[serde(default)]
    through: Vec<String>,
    except: Option<Words>,
}

// ---------------------------------------------------------------------------- compiled

#[derive(Debug, Clone)]
enum Elem {
    /// One of these phrases (folded, split into tokens).
    Words {
        phrases: Vec<Vec<String>>,
        cap: bool,
    },
    /// A run of capitalised tokens; mentions of the `through` types may be part of it.
    Name(NameElem),
    /// One token whose text matches the regex.
    Shape(Regex),
    /// A gazetteer mention of one of these types.
    Entity(Vec<EntityType>),
}

#[derive(Debug, Clone)]
struct NameElem {
    min: usize,
    max: usize,
    /// Words that are not mentions, at least.
    own: usize,
    through: Vec<EntityType>,
    except: FxHashSet<String>,
}

#[derive(Debug, Clone)]
struct Element {
    elem: Elem,
    optional: bool,
    capture: Option<String>,
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    etype: EntityType,
    elements: Vec<Element>,
    anchor: usize,
    template: String,
    country: Option<String>,
    category: Option<String>,
    context: Vec<String>,
    fold: Option<Regex>,
    lowercase: bool,
    /// Words of `hyphen_suffix` elements.
    suffixes: Vec<String>,
    /// Words that trigger the rule: in a word of their own, or (for a `shape` trigger) as
    /// the part of a word after a `.`, `-` or `/` ("uz" in "kun.uz").
    trigger_words: Vec<String>,
    /// Some required element left (right) of the trigger needs a capitalised word or one
    /// with a digit: checked on the few words there before the sentence is tokenised.
    need_left: bool,
    need_right: bool,
    loc: crate::gazetteer::SourceLoc,
}

/// The compiled rules of every pattern file.
#[derive(Debug, Clone, Default)]
pub struct Patterns {
    rules: Vec<Rule>,
    spelling: FxHashMap<String, String>,
    /// Folded trigger word -> rules it anchors, as a word of its own ...
    triggers: FxHashMap<String, Vec<u32>>,
    /// ... and as the part of a word after `.`, `-` or `/` (`shape` triggers).
    inner_triggers: FxHashMap<String, Vec<u32>>,
    /// The words of every rule's `context`.
    context_words: FxHashSet<String>,
    /// Every word the walk must report, sorted.
    walk_words: Vec<String>,
    /// Leading-word hash -> walk words (see [`leading_word`]).
    /// (and whether it only counts inside a token, after `.`, `-` or `/`).
    by_hash: FxHashMap<u64, Vec<(Box<str>, bool)>>,
    filter: StartFilter,
    /// Last parts of hyphenated words that are words of their own ("Ada-class").
    split_suffixes: FxHashSet<String>,
    /// Folded name or alias -> listed entities, to let the gazetteer win.
    known: FxHashMap<String, Vec<EntityIdx>>,
}

/// A word of the walk that a rule needs: its span in the folded text.
#[derive(Debug, Clone, Copy)]
pub struct Trigger {
    start: usize,
    end: usize,
}

fn data_err(file: &str, text: &str, span: Option<std::ops::Range<usize>>, msg: String) -> Error {
    Error::data(file, span.map(|s| line_of(text, s.start)).unwrap_or(1), msg)
}

impl Patterns {
    /// The embedded rules.
    pub fn embedded(g: &Gazetteer) -> Result<Self> {
        Self::from_sources(&crate::gazetteer::embedded_pattern_files(), g)
    }

    /// Compile the rules of `files` (lists and spellings are shared by all files).
    pub fn from_sources(files: &[SourceFile], g: &Gazetteer) -> Result<Self> {
        let mut lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut spelling = FxHashMap::default();
        let mut raws = Vec::new();
        for f in files {
            let raw: RawFile = toml::from_str(&f.text)
                .map_err(|e| data_err(&f.name, &f.text, e.span(), e.message().to_string()))?;
            for (k, v) in raw.lists {
                lists.entry(k).or_default().extend(v);
            }
            for (k, v) in raw.spelling {
                spelling.insert(fold(&k), v);
            }
            raws.push((f, raw.rule));
        }
        let mut p = Patterns {
            spelling,
            ..Default::default()
        };
        let mut ids: FxHashMap<String, crate::gazetteer::SourceLoc> = FxHashMap::default();
        for (f, rules) in raws {
            for r in rules {
                let line = line_of(&f.text, r.span().start);
                let rule = compile_rule(r.into_inner(), &lists, &f.name, line)?;
                if let Some(first) = ids.get(&rule.id) {
                    return Err(Error::data(
                        &f.name,
                        line,
                        format!("duplicate pattern rule id {:?} (first at {first})", rule.id),
                    ));
                }
                ids.insert(rule.id.clone(), rule.loc.clone());
                p.add(rule);
            }
        }
        let mut words: Vec<String> = p
            .triggers
            .keys()
            .chain(p.inner_triggers.keys())
            .chain(p.context_words.iter())
            .cloned()
            .collect();
        words.sort();
        words.dedup();
        let mut filter = StartFilter::with_capacity(words.len());
        for w in &words {
            filter.insert(w);
            let (_, h) = leading_word(w, 0);
            let inner_only = !p.triggers.contains_key(w) && !p.context_words.contains(w);
            p.by_hash
                .entry(h)
                .or_default()
                .push((w.as_str().into(), inner_only));
        }
        p.filter = filter;
        p.walk_words = words;
        for a in &g.aliases {
            if a.is_conditional() {
                continue;
            }
            let v = p.known.entry(fold(&a.text)).or_default();
            if !v.contains(&a.entity) {
                v.push(a.entity);
            }
        }
        Ok(p)
    }

    fn add(&mut self, rule: Rule) {
        let id = self.rules.len() as u32;
        self.split_suffixes.extend(rule.suffixes.iter().cloned());
        self.context_words.extend(rule.context.iter().cloned());
        for w in &rule.trigger_words {
            let (map, w) = match w.strip_prefix('.') {
                Some(inner) => (&mut self.inner_triggers, inner),
                None => (&mut self.triggers, w.as_str()),
            };
            let v = map.entry(w.to_string()).or_default();
            if !v.contains(&id) {
                v.push(id);
            }
        }
        self.rules.push(rule);
    }

    /// Number of rules.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// The id of rule `i` (as recorded in a pattern mention's `alias`).
    pub fn rule_id(&self, i: u32) -> &str {
        self.rules.get(i as usize).map_or("?", |r| r.id.as_str())
    }

    /// The words the rules need, folded: the matcher's walk must visit them.
    pub fn trigger_words(&self) -> impl Iterator<Item = &str> {
        self.walk_words.iter().map(String::as_str)
    }

    /// Note a word of the walk (as [`crate::matcher::Matcher::find_visiting_words`] gives
    /// it) when a rule needs it.
    #[inline]
    pub fn spot(&self, f: &Folded, start: usize, end: usize, hash: u64, out: &mut Vec<Trigger>) {
        let hay = f.text.as_bytes();
        if !self.filter.may_start(hay, end, hash) {
            return;
        }
        if let Some(words) = self.by_hash.get(&hash) {
            // A word that only triggers inside a token ("uz" in "kun.uz") needs the joiner.
            let joined = start > 0 && matches!(hay[start - 1], b'.' | b'-' | b'/');
            if words
                .iter()
                .any(|(w, inner_only)| w.as_bytes() == &hay[start..end] && (joined || !inner_only))
            {
                out.push(Trigger { start, end });
            }
        }
    }

    /// Add the entities the rules find at `triggers` (in text order) to `mentions` (sorted,
    /// not overlapping), removing the gazetteer mentions a found name takes in ("Pakistan"
    /// in "the Pakistan Army"); a found name that overlaps any other mention is dropped.
    pub fn recognise(
        &self,
        g: &Gazetteer,
        text: &str,
        sentences: &[SentenceSpan],
        folded: &Folded,
        triggers: &[Trigger],
        mentions: &mut Vec<Mention>,
    ) {
        if triggers.is_empty() || self.rules.is_empty() {
            return;
        }
        let hay = folded.text.as_bytes();
        let starts: Vec<usize> = triggers.iter().map(|t| folded.orig(t.start)).collect();
        let mut found: Vec<Found> = Vec::new();
        let mut tried: FxHashSet<(usize, u32)> = FxHashSet::default();
        // The sentence last tokenised (once per sentence, however many triggers it holds),
        // and the context words in it. Buffers reused across sentences.
        let mut cache: Option<usize> = None;
        let mut toks: Vec<Token> = Vec::new();
        let mut chars: Vec<(usize, char)> = Vec::new();
        // Over the sentence's tokens: how many words of 4+ bytes outside mentions precede
        // token i, and how many of them are not capitalised (a window's title case).
        let mut long_before: Vec<(u32, u32)> = Vec::new();
        let mut present: Option<(usize, FxHashSet<&str>)> = None;
        for (k, t) in triggers.iter().enumerate() {
            let word = &folded.text[t.start..t.end];
            let plain = self.triggers.get(word).map_or(&[][..], Vec::as_slice);
            let inner = if t.start > 0 && matches!(hay[t.start - 1], b'.' | b'-' | b'/') {
                self.inner_triggers.get(word).map_or(&[][..], Vec::as_slice)
            } else {
                &[]
            };
            if plain.is_empty() && inner.is_empty() {
                continue;
            }
            let start = starts[k];
            let si = sentences.partition_point(|s| s.end <= start);
            let Some(s) = sentences.get(si).filter(|s| s.start <= start) else {
                continue;
            };
            for &r in plain.iter().chain(inner) {
                let rule = &self.rules[r as usize];
                if !rule.context.is_empty() {
                    if present.as_ref().is_none_or(|p| p.0 != si) {
                        let a = starts.partition_point(|&x| x < s.start);
                        let b = starts.partition_point(|&x| x < s.end);
                        let words = triggers[a..b]
                            .iter()
                            .map(|t| &folded.text[t.start..t.end])
                            .filter(|w| self.context_words.contains(*w))
                            .collect();
                        present = Some((si, words));
                    }
                    let (_, words) = present.as_ref().expect("set above");
                    if !rule.context.iter().any(|w| words.contains(w.as_str())) {
                        continue;
                    }
                }
                let t_end = folded.orig(t.end);
                if (rule.need_left && !capital_near(text, s.start, start, Dir::Left))
                    || (rule.need_right && !capital_near(text, t_end, s.end, Dir::Right))
                {
                    continue;
                }
                // Rules see a few words: the words around the trigger (sentences of
                // speeches run to hundreds of words). The window is cut at whitespace, so
                // its tokens are the sentence's tokens inside it; the sentence is tokenised
                // once and each window is a slice of it.
                let w = window(text, *s, start, t_end);
                if cache != Some(si) {
                    let sfx = &self.split_suffixes;
                    tokenize_into(text, *s, mentions, sfx, true, &mut chars, &mut toks);
                    count_long_words(&toks, &mut long_before);
                    cache = Some(si);
                }
                let lo = toks.partition_point(|k| k.start < w.start);
                let hi = toks.partition_point(|k| k.end <= w.end);
                // The token holding the trigger.
                let ti = toks[lo..hi].partition_point(|k| k.end <= start);
                if toks[lo..hi].get(ti).is_none_or(|k| k.start > start)
                    || !tried.insert((toks[lo + ti].start, r))
                {
                    continue;
                }
                let saved = enter_window(&mut toks, &long_before, text, *s, w, lo, hi);
                let hit = self.match_rule(g, text, &toks[lo..hi], ti, r, rule);
                set_window_flags(&mut toks[lo], saved);
                if let Some(m) = hit {
                    found.push(m);
                }
            }
        }
        if found.is_empty() {
            return;
        }
        // Longest first at each start, then rule order; no overlaps between found names.
        found.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end), m.rule));
        let mut kept: Vec<Found> = Vec::new();
        for m in found {
            if kept.last().is_none_or(|k| k.end <= m.start) {
                kept.push(m);
            }
        }
        let mut taken: FxHashSet<(usize, usize)> = FxHashSet::default();
        let mut added = Vec::new();
        for m in kept {
            // A gazetteer mention in the span that the rule did not take in wins.
            // `mentions` is sorted and not overlapping, so ends are sorted too: only the
            // mentions from the first ending after `m.start` can overlap.
            let first = mentions.partition_point(|x| x.end <= m.start);
            let clash = mentions[first..]
                .iter()
                .take_while(|x| x.start < m.end)
                .any(|x| !m.absorbed.contains(&(x.start, x.end)));
            if clash {
                continue;
            }
            let Some(entity) = self.entity_for(g, &m) else {
                continue;
            };
            taken.extend(m.absorbed.iter().copied());
            added.push(Mention {
                entity,
                start: m.start,
                end: m.end,
                kind: AliasKind::Pattern,
                alias: m.rule,
            });
        }
        if added.is_empty() {
            return;
        }
        mentions.retain(|x| !taken.contains(&(x.start, x.end)));
        mentions.extend(added);
        mentions.sort_by_key(|m| (m.start, m.end));
    }

    /// The entity a match names: a listed one of the same type when the name (or, for a
    /// weapon, its family) is an alias, else the found entity of that name.
    fn entity_for(&self, g: &Gazetteer, m: &Found) -> Option<EntityIdx> {
        let rule = &self.rules[m.rule as usize];
        let listed = |name: &str| -> Option<EntityIdx> {
            self.known
                .get(&fold(name))?
                .iter()
                .copied()
                .find(|&e| g.entity(e).etype == rule.etype)
        };
        if let Some(e) = listed(&m.name).or_else(|| listed(&m.surface)) {
            return Some(e);
        }
        if let Some(re) = &rule.fold {
            // "Wing Loong-2" -> "Wing Loong": strip variant suffixes while one is there.
            let mut name = m.name.clone();
            for _ in 0..3 {
                let Some(x) = re
                    .find(&name)
                    .filter(|x| x.start() > 0 && x.end() == name.len())
                else {
                    break;
                };
                name.truncate(x.start());
                let trimmed = name.trim_end_matches([' ', '-']).len();
                name.truncate(trimmed);
                if let Some(e) = listed(&name) {
                    return Some(e);
                }
            }
        }
        let s = slug(&m.name);
        if s.is_empty() {
            return None;
        }
        Some(g.intern(Entity {
            id: format!("{}:{s}", rule.etype),
            name: m.name.clone(),
            etype: rule.etype,
            iso2: None,
            iso3: None,
            country: m.country,
            made_by: Vec::new(),
            via: Vec::new(),
            family: None,
            category: rule.category.clone(),
            capital_places: Vec::new(),
            loc: rule.loc.clone(),
            pattern: Some(rule.id.clone()),
        }))
    }

    /// Match rule `r` with its trigger element at token `ti`.
    fn match_rule(
        &self,
        g: &Gazetteer,
        text: &str,
        toks: &[Token],
        ti: usize,
        r: u32,
        rule: &Rule,
    ) -> Option<Found> {
        let mut caps: Vec<(&str, Capture)> = Vec::new();
        let mut absorbed = Vec::new();
        let anchor = &rule.elements[rule.anchor];
        let (a0, a1) = match_elem(anchor, toks, ti, Dir::Right, g)?;
        record(anchor, toks, a0, a1, &mut caps, &mut absorbed);
        let mut right = a1;
        for e in &rule.elements[rule.anchor + 1..] {
            match match_elem(e, toks, right, Dir::Right, g) {
                Some((s, t)) => {
                    record(e, toks, s, t, &mut caps, &mut absorbed);
                    right = t;
                }
                None if e.optional => {}
                None => return None,
            }
        }
        let mut left = a0;
        for e in rule.elements[..rule.anchor].iter().rev() {
            match match_elem(e, toks, left, Dir::Left, g) {
                Some((s, t)) => {
                    record(e, toks, s, t, &mut caps, &mut absorbed);
                    left = s;
                }
                None if e.optional => {}
                None => return None,
            }
        }
        if left >= right {
            return None;
        }
        let (start, end) = (toks[left].start, toks[right - 1].end);
        let surface = clean(&text[start..end]);
        let mut name = String::new();
        let mut rest = rule.template.as_str();
        while let Some(open) = rest.find('{') {
            name.push_str(&rest[..open]);
            let close = rest[open..].find('}')? + open;
            let key = &rest[open + 1..close];
            if key == "match" {
                name.push_str(&surface);
            } else {
                // An optional element that did not match leaves its place empty.
                match caps.iter().find(|(k, _)| *k == key).map(|(_, c)| c) {
                    Some(Capture::Entity(e)) => name.push_str(&g.entity(*e).name),
                    Some(Capture::Word(w)) => name.push_str(&self.spell(w)),
                    Some(Capture::Text(t)) => name.push_str(t),
                    None => {}
                }
            }
            rest = &rest[close + 1..];
        }
        name.push_str(rest);
        let mut name = clean(&name);
        if rule.lowercase {
            name = name.to_lowercase();
        }
        let country = rule.country.as_deref().and_then(|k| {
            caps.iter().find_map(|(n, c)| match c {
                Capture::Entity(e) if *n == k => Some(*e),
                _ => None,
            })
        });
        Some(Found {
            rule: r,
            start,
            end,
            name,
            surface,
            country,
            absorbed,
        })
    }

    /// A captured word as the rules spell it: the spelling table, else each word
    /// capitalised ("air force" -> "Air Force").
    fn spell(&self, w: &str) -> String {
        if let Some(s) = self.spelling.get(&fold(w)) {
            return s.clone();
        }
        w.split(' ')
            .map(|p| {
                let mut c = p.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().chain(c).collect(),
                    None => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Is there a word starting with a capital or holding a digit among the three words
/// between `from` and `to`, nearest to `to` (left) or to `from` (right)?
fn capital_near(text: &str, from: usize, to: usize, dir: Dir) -> bool {
    let Some(span) = text.get(from..to) else {
        return true;
    };
    let good = |w: &str| {
        w.chars().next().is_some_and(char::is_uppercase) || w.chars().any(|c| c.is_ascii_digit())
    };
    let words = span
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty());
    match dir {
        Dir::Left => words.rev().take(3).any(good),
        Dir::Right => words.take(3).any(good),
    }
}

/// Whitespace collapsed, a leading "the" dropped, dashes and quotes normalised.
fn clean(s: &str) -> String {
    let s = normalise_keep_case(s);
    let mut out = s.split_whitespace().collect::<Vec<_>>().join(" ");
    for the in ["the ", "The "] {
        if let Some(rest) = out.strip_prefix(the) {
            out = rest.to_string();
        }
    }
    out
}

struct Found {
    rule: u32,
    start: usize,
    end: usize,
    name: String,
    surface: String,
    country: Option<EntityIdx>,
    /// Spans of gazetteer mentions the match takes in.
    absorbed: Vec<(usize, usize)>,
}

enum Capture {
    Entity(EntityIdx),
    /// A listed word, respelled.
    Word(String),
    Text(String),
}

fn record<'r>(
    e: &'r Element,
    toks: &[Token],
    s: usize,
    t: usize,
    caps: &mut Vec<(&'r str, Capture)>,
    absorbed: &mut Vec<(usize, usize)>,
) {
    for k in &toks[s..t] {
        if let Some((ms, me, _)) = k.mention {
            if !absorbed.contains(&(ms, me)) {
                absorbed.push((ms, me));
            }
        }
    }
    let Some(c) = &e.capture else { return };
    let span_text = || {
        let mut out = String::new();
        for (i, k) in toks[s..t].iter().enumerate() {
            if i > 0 && k.space_before {
                out.push(' ');
            } else if i > 0 && k.hyphen {
                out.push('-');
            }
            out.push_str(k.text);
        }
        out
    };
    let cap = match &e.elem {
        Elem::Entity(_) => match toks[s].mention {
            Some((_, _, ent)) => Capture::Entity(ent),
            None => return,
        },
        Elem::Words { .. } => Capture::Word(span_text()),
        _ => Capture::Text(span_text()),
    };
    caps.push((c.as_str(), cap));
}

#[derive(Clone, Copy, PartialEq)]
enum Dir {
    Right,
    Left,
}

/// Match element `e` starting at token `at` (rightwards) or ending before `at`
/// (leftwards); the token range it covers.
fn match_elem(
    e: &Element,
    toks: &[Token],
    at: usize,
    dir: Dir,
    g: &Gazetteer,
) -> Option<(usize, usize)> {
    match &e.elem {
        Elem::Words { phrases, cap } => phrases.iter().find_map(|ph| {
            let n = ph.len();
            let s = match dir {
                Dir::Right => at,
                Dir::Left => at.checked_sub(n)?,
            };
            let span = toks.get(s..s + n)?;
            let ok = span.iter().zip(ph).all(|(k, w)| k.folded == *w)
                && (!cap || span[0].cap)
                // Listed words stand alone: not inside a longer gazetteer name.
                && span.iter().all(|k| k.mention.is_none());
            ok.then_some((s, s + n))
        }),
        Elem::Shape(re) => {
            let i = match dir {
                Dir::Right => at,
                Dir::Left => at.checked_sub(1)?,
            };
            let k = toks.get(i)?;
            (k.word && k.mention.is_none() && re.is_match(k.text)).then_some((i, i + 1))
        }
        Elem::Entity(types) => {
            let i = match dir {
                Dir::Right => at,
                Dir::Left => at.checked_sub(1)?,
            };
            let (ms, me, ent) = toks.get(i)?.mention?;
            if !types.contains(&g.entity(ent).etype) {
                return None;
            }
            // The tokens of that mention.
            let mut s = i;
            while s > 0 && toks[s - 1].mention.is_some_and(|m| m.0 == ms) {
                s -= 1;
            }
            let mut t = i + 1;
            while t < toks.len() && toks[t].mention.is_some_and(|m| m.1 == me) {
                t += 1;
            }
            ((dir == Dir::Right && s == i) || (dir == Dir::Left && t == i + 1)).then_some((s, t))
        }
        Elem::Name(n) => name_run(toks, at, dir, n, g),
    }
}

/// Lower-case words that may join the words of a name ("Bank of China").
const CONNECTORS: &[&str] = &["of", "and", "for", "de", "&"];

/// A run of capitalised words next to `at` (a gazetteer mention of a `through` type counts
/// as one word and is taken whole), at most `max` words of which at least `own` are not
/// mentions, trimmed of connectors at its ends and of common words ("The") at its outer
/// end. Sentences written in title case (headlines) have no runs: every word looks like a
/// name there.
fn name_run(
    toks: &[Token],
    at: usize,
    dir: Dir,
    e: &NameElem,
    g: &Gazetteer,
) -> Option<(usize, usize)> {
    if toks.first().is_some_and(|k| k.title_case) {
        return None;
    }
    let mention_ok = |k: &Token| {
        k.mention
            .is_none_or(|(_, _, x)| e.through.contains(&g.entity(x).etype))
    };
    // "Arms-producing", "Chinese-made": a capital on a compound of a lower-case word is no
    // sign of a name.
    let lower_tail = |k: &Token| {
        k.mention.is_none()
            && k.text
                .rsplit(['-', '\u{2010}', '\u{2011}'])
                .next()
                .is_some_and(|t| t.chars().next().is_some_and(char::is_lowercase))
    };
    let name_tok = |k: &Token| {
        k.word && k.cap && !e.except.contains(k.folded.as_ref()) && mention_ok(k) && !lower_tail(k)
    };
    let connector = |k: &Token| k.mention.is_none() && CONNECTORS.contains(&k.folded.as_ref());
    // Units outwards from `at`: (first token, end token, is a name word).
    let mut units: Vec<(usize, usize, bool)> = Vec::new();
    let mut next = match dir {
        Dir::Right => at,
        Dir::Left => at,
    };
    let mut words = 0;
    loop {
        // The unit adjacent to `next` in the run's direction.
        let (s, t) = match dir {
            Dir::Right => {
                let Some(k) = toks.get(next) else { break };
                let mut t = next + 1;
                if let Some((_, me, _)) = k.mention {
                    while t < toks.len() && toks[t].mention.is_some_and(|m| m.1 == me) {
                        t += 1;
                    }
                }
                (next, t)
            }
            Dir::Left => {
                let Some(i) = next.checked_sub(1) else { break };
                let mut s = i;
                if let Some((ms, _, _)) = toks[i].mention {
                    while s > 0 && toks[s - 1].mention.is_some_and(|m| m.0 == ms) {
                        s -= 1;
                    }
                }
                (s, i + 1)
            }
        };
        // A run does not cross a line break or words glued by punctuation.
        if !units.is_empty() {
            let b = if dir == Dir::Right {
                s
            } else {
                units.last().expect("non-empty").0
            };
            if toks[b].newline_before || (!toks[b].space_before && !toks[b].hyphen) {
                break;
            }
        }
        let k = &toks[s];
        let whole_mention = k
            .mention
            .is_some_and(|(ms, me, _)| ms >= toks[s].start && me <= toks[t - 1].end);
        if k.mention.is_some() && !whole_mention {
            break;
        }
        if name_tok(k) {
            if words == e.max {
                break;
            }
            words += 1;
            units.push((s, t, true));
        } else if connector(k) && !units.is_empty() && t == s + 1 {
            // "and" does not join a mention to a name ("Pakistani and Indian Air Forces").
            let prev_mention = toks[units.last().expect("non-empty").0].mention.is_some();
            if k.folded == "and" && prev_mention {
                break;
            }
            units.push((s, t, false));
        } else {
            break;
        }
        next = match dir {
            Dir::Right => t,
            Dir::Left => s,
        };
    }
    // Trim connectors at the outer end, then common words there.
    while let Some(&(s, _, is_name)) = units.last() {
        let k = &toks[s];
        // A common word ("In", "Today") is trimmed where it opens the sentence.
        let opens =
            toks.first().is_some_and(|f| f.opens_sentence) && toks[..s].iter().all(|x| !x.word);
        let common = opens && k.mention.is_none() && COMMON_WORDS.contains(k.folded.as_ref());
        // Nor does a run end in "and <mention>".
        let after_and = units
            .iter()
            .rev()
            .nth(1)
            .is_some_and(|&(s2, _, _)| toks[s2].folded == "and" && k.mention.is_some());
        if !is_name || common || after_and {
            units.pop();
        } else {
            break;
        }
    }
    let names = units.iter().filter(|u| u.2).count();
    let own = units
        .iter()
        .filter(|u| u.2 && toks[u.0].mention.is_none())
        .count();
    if names < e.min.max(1) || own < e.own {
        return None;
    }
    let a = units.iter().map(|u| u.0).min()?;
    let b = units.iter().map(|u| u.1).max()?;
    Some((a, b))
}

// ---------------------------------------------------------------------------- tokens

/// A token of a sentence: a word (letters, digits and the `-`, `.`, `/` joining them:
/// "Shahed-136", "kun.uz"), a possessive `'s`, or one punctuation character.
#[derive(Debug, Clone)]
struct Token<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    /// Borrowed from the text when already folded (most words): no allocation.
    folded: Cow<'a, str>,
    word: bool,
    cap: bool,
    space_before: bool,
    newline_before: bool,
    /// Split off the word before at a hyphen ("Ada-class").
    hyphen: bool,
    /// The gazetteer mention covering the token: (start, end, entity).
    mention: Option<(usize, usize, EntityIdx)>,
    /// The sentence is in title case (set on its first token).
    title_case: bool,
    /// The first token opens the sentence (set on the first token).
    opens_sentence: bool,
}

fn tokenize<'a>(
    text: &'a str,
    s: SentenceSpan,
    mentions: &[Mention],
    split_suffixes: &FxHashSet<String>,
    opens_sentence: bool,
) -> Vec<Token<'a>> {
    let mut out = Vec::new();
    tokenize_into(
        text,
        s,
        mentions,
        split_suffixes,
        opens_sentence,
        &mut Vec::new(),
        &mut out,
    );
    out
}

/// [`tokenize`] into `out`, with `chars` as scratch space (both cleared first).
fn tokenize_into<'a>(
    text: &'a str,
    s: SentenceSpan,
    mentions: &[Mention],
    split_suffixes: &FxHashSet<String>,
    opens_sentence: bool,
    chars: &mut Vec<(usize, char)>,
    out: &mut Vec<Token<'a>>,
) {
    let sent: &'a str = &text[s.start..s.end];
    out.clear();
    chars.clear();
    chars.extend(sent.char_indices());
    let mut i = 0;
    let mut space = true;
    let mut newline = false;
    let first_mention = mentions.partition_point(|m| m.end <= s.start);
    let mention_at = |a: usize, b: usize| {
        mentions[first_mention..]
            .iter()
            .take_while(|m| m.start < b)
            .find(|m| m.start < b && a < m.end)
            .map(|m| (m.start, m.end, m.entity))
    };
    let push =
        |out: &mut Vec<Token<'a>>, a: usize, b: usize, word: bool, sp: bool, nl: bool, hy: bool| {
            let t: &'a str = &sent[a..b];
            // One pass: does the token need folding, or only lower case?
            let (mut special, mut upper) = (false, false);
            for &c in t.as_bytes() {
                special |= c >= 0x80 || c == b'`';
                upper |= c.is_ascii_uppercase();
            }
            out.push(Token {
                start: s.start + a,
                end: s.start + b,
                text: t,
                // Most tokens are ASCII: lower case is their folded form.
                folded: if special {
                    Cow::Owned(fold(t))
                } else if upper {
                    Cow::Owned(t.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(t)
                },
                word,
                cap: match t.as_bytes().first() {
                    Some(&c) if c < 0x80 => c.is_ascii_uppercase(),
                    _ => t.chars().next().is_some_and(char::is_uppercase),
                },
                space_before: sp,
                newline_before: nl,
                hyphen: hy,
                mention: mention_at(s.start + a, s.start + b),
                title_case: false,
                opens_sentence: false,
            });
        };
    while i < chars.len() {
        let (a, c) = chars[i];
        if c.is_whitespace() {
            space = true;
            newline |= c == '\n';
            i += 1;
            continue;
        }
        if is_word_char(c) {
            let mut j = i + 1;
            loop {
                while j < chars.len() && is_word_char(chars[j].1) {
                    j += 1;
                }
                let joins = j + 1 < chars.len()
                    && matches!(chars[j].1, '-' | '.' | '/' | '\u{2010}' | '\u{2011}')
                    && is_word_char(chars[j + 1].1);
                if joins {
                    j += 1;
                } else {
                    break;
                }
            }
            let b = chars.get(j).map_or(sent.len(), |x| x.0);
            // "Ada-class": the last part is a word of its own for the rules.
            let w = &sent[a..b];
            // U+2010 and U+2011 start with byte E2: most words hold neither that nor '-'.
            let dashed = w.bytes().any(|c| c == b'-' || c == 0xE2);
            let split = dashed
                .then(|| w.rfind(['-', '\u{2010}', '\u{2011}']))
                .flatten()
                .filter(|&h| {
                    split_suffixes.contains(&fold(
                        w[h..].trim_start_matches(['-', '\u{2010}', '\u{2011}']),
                    ))
                });
            match split {
                Some(h) => {
                    let hl = w[h..].chars().next().map_or(1, char::len_utf8);
                    push(out, a, a + h, true, space, newline, false);
                    push(out, a + h + hl, b, true, false, false, true);
                }
                None => push(out, a, b, true, space, newline, false),
            }
            i = j;
        } else if matches!(c, '\'' | '’')
            && chars.get(i + 1).is_some_and(|x| x.1 == 's' || x.1 == 'S')
            && chars.get(i + 2).is_none_or(|x| !is_word_char(x.1))
        {
            let b = chars.get(i + 2).map_or(sent.len(), |x| x.0);
            out.push(Token {
                start: s.start + a,
                end: s.start + b,
                text: "'s",
                folded: Cow::Borrowed("'s"),
                word: false,
                cap: false,
                space_before: space,
                newline_before: newline,
                hyphen: false,
                mention: None,
                title_case: false,
                opens_sentence: false,
            });
            i += 2;
        } else {
            let b = a + c.len_utf8();
            push(out, a, b, false, space, newline, false);
            i += 1;
        }
        space = false;
        newline = false;
    }
    // Title case: every word of four letters or more is capitalised, and there are many
    // ("Pakistan Inks Its Biggest-Ever Defence Deal With Azerbaijan"): capitals say nothing
    // about names there. (A short sentence of names, "Quex Group met the Malian Air Force",
    // is prose.)
    // Mentions do not count: a sentence may list many countries.
    let long = out.iter().filter(|k| is_long_word(k));
    let (n, lower) = long.fold((0, 0), |(n, l), k| (n + 1, l + u32::from(!k.cap)));
    if n >= TITLE_CASE_WORDS && lower == 0 {
        if let Some(k) = out.first_mut() {
            k.title_case = true;
        }
    }
    if let Some(k) = out.first_mut() {
        k.opens_sentence = opens_sentence;
    }
}

/// Title case takes at least this many capitalised long words (and no lower-case one).
const TITLE_CASE_WORDS: u32 = 6;

/// A word that counts for title case: four bytes or more, not part of a mention.
fn is_long_word(k: &Token) -> bool {
    k.word && k.mention.is_none() && k.text.len() >= 4
}

/// `out[i]`: the long words before token `i` and how many of them are not capitalised
/// (`out` has one entry more than `toks`).
fn count_long_words(toks: &[Token], out: &mut Vec<(u32, u32)>) {
    out.clear();
    let mut acc = (0, 0);
    for k in toks {
        out.push(acc);
        if is_long_word(k) {
            acc = (acc.0 + 1, acc.1 + u32::from(!k.cap));
        }
    }
    out.push(acc);
}

/// The flags of a token that depend on where the tokenised span starts.
fn window_flags(k: &Token) -> (bool, bool, bool) {
    (k.title_case, k.opens_sentence, k.newline_before)
}

/// Make `toks[lo..hi]` (sentence `s`'s tokens inside window `w`) what tokenising the window
/// alone gives: the flags tokenize_into sets on a first token describe the span tokenised.
/// Returns the sentence's flags of `toks[lo]`, to put back with [`set_window_flags`].
fn enter_window(
    toks: &mut [Token],
    long_before: &[(u32, u32)],
    text: &str,
    s: SentenceSpan,
    w: SentenceSpan,
    lo: usize,
    hi: usize,
) -> (bool, bool, bool) {
    let saved = window_flags(&toks[lo]);
    let (n0, l0) = long_before[lo];
    let (n1, l1) = long_before[hi];
    let first = &mut toks[lo];
    first.title_case = n1 - n0 >= TITLE_CASE_WORDS && l1 - l0 == 0;
    first.opens_sentence = w.start == s.start;
    if w.start > s.start {
        first.newline_before = text[w.start..first.start].contains('\n');
    }
    saved
}

fn set_window_flags(k: &mut Token, (title_case, opens, newline): (bool, bool, bool)) {
    k.title_case = title_case;
    k.opens_sentence = opens;
    k.newline_before = newline;
}

/// The part of sentence `s` the rules see for a trigger at `start..end`: some 20 words either
/// side, cut at whitespace.
fn window(text: &str, s: SentenceSpan, start: usize, end: usize) -> SentenceSpan {
    const REACH: usize = 160;
    let mut a = start.saturating_sub(REACH).max(s.start);
    if a > s.start {
        while !text.is_char_boundary(a) {
            a += 1;
        }
        a = match text[a..start].find(char::is_whitespace) {
            Some(i) => a + i,
            None => s.start,
        };
    }
    let mut b = (end + REACH).min(s.end);
    if b < s.end {
        while !text.is_char_boundary(b) {
            b -= 1;
        }
        b = match text[end..b].rfind(char::is_whitespace) {
            Some(i) => end + i,
            None => s.end,
        };
    }
    SentenceSpan { start: a, end: b }
}

// ---------------------------------------------------------------------------- compiling

fn resolve_words(
    w: &Words,
    lists: &BTreeMap<String, Vec<String>>,
    file: &str,
    line: usize,
) -> Result<Vec<String>> {
    match w {
        // An array may name lists too: ["@titles", "Mr"].
        Words::Inline(v) => {
            let mut out = Vec::new();
            for x in v {
                if x.starts_with('@') {
                    out.extend(resolve_words(&Words::List(x.clone()), lists, file, line)?);
                } else {
                    out.push(x.clone());
                }
            }
            Ok(out)
        }
        Words::List(name) => {
            let key = name.strip_prefix('@').ok_or_else(|| {
                Error::data(
                    file,
                    line,
                    format!("{name:?}: a word list is named with a leading @ (or give an array)"),
                )
            })?;
            lists
                .get(key)
                .cloned()
                .ok_or_else(|| Error::data(file, line, format!("unknown list {name:?}")))
        }
    }
}

/// Split a folded phrase into the tokens [`tokenize`] makes of it.
fn phrase_tokens(p: &str) -> Vec<String> {
    let s = SentenceSpan {
        start: 0,
        end: p.len(),
    };
    tokenize(p, s, &[], &FxHashSet::default(), true)
        .into_iter()
        .map(|t| t.folded.into_owned())
        .collect()
}

fn compile_rule(
    r: RawRule,
    lists: &BTreeMap<String, Vec<String>>,
    file: &str,
    line: usize,
) -> Result<Rule> {
    let err = |m: String| Error::data(file, line, format!("pattern rule {:?}: {m}", r.id));
    let etype =
        EntityType::parse(&r.etype).ok_or_else(|| err(format!("unknown type {:?}", r.etype)))?;
    if r.id.trim().is_empty() {
        return Err(Error::data(file, line, "pattern rule without an id"));
    }
    let mut elements = Vec::new();
    let mut anchor = None;
    let mut suffixes = Vec::new();
    let mut trigger_words = Vec::new();
    let mut shape_trigger = false;
    for (i, e) in r.elements.iter().enumerate() {
        let kinds = [
            e.words.is_some(),
            e.name,
            e.shape.is_some(),
            e.entity.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            return Err(err(format!(
                "element {} needs exactly one of `words`, `name`, `shape`, `entity`",
                i + 1
            )));
        }
        let elem = if let Some(w) = &e.words {
            let words = resolve_words(w, lists, file, line)?;
            if words.is_empty() {
                return Err(err(format!("element {}: empty word list", i + 1)));
            }
            let mut phrases: Vec<Vec<String>> = words.iter().map(|w| phrase_tokens(w)).collect();
            // Longest first: "Foreign Affairs" before "Affairs".
            phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
            if e.hyphen_suffix {
                suffixes.extend(
                    phrases
                        .iter()
                        .filter(|p| p.len() == 1)
                        .map(|p| p[0].clone()),
                );
            }
            Elem::Words {
                phrases,
                cap: e.cap,
            }
        } else if e.name {
            let through = e
                .through
                .iter()
                .map(|t| EntityType::parse(t).ok_or_else(|| err(format!("unknown type {t:?}"))))
                .collect::<Result<Vec<_>>>()?;
            let except = match &e.except {
                Some(w) => resolve_words(w, lists, file, line)?
                    .iter()
                    .map(|x| fold(x))
                    .collect(),
                None => FxHashSet::default(),
            };
            Elem::Name(NameElem {
                min: e.min.unwrap_or(1),
                max: e.max.unwrap_or(4),
                own: e.own.unwrap_or(0),
                through,
                except,
            })
        } else if let Some(re) = &e.shape {
            Elem::Shape(
                Regex::new(&format!("^(?:{re})$"))
                    .map_err(|x| err(format!("bad shape regex: {x}")))?,
            )
        } else {
            let types = e
                .entity
                .iter()
                .flatten()
                .map(|t| EntityType::parse(t).ok_or_else(|| err(format!("unknown type {t:?}"))))
                .collect::<Result<Vec<_>>>()?;
            Elem::Entity(types)
        };
        if e.trigger {
            if anchor.is_some() {
                return Err(err("more than one trigger element".into()));
            }
            match (&elem, &e.triggers) {
                (Elem::Words { phrases, .. }, None) => {
                    trigger_words = phrases
                        .iter()
                        .filter_map(|p| p.first())
                        .map(|w| {
                            // The walk sees words: "air-defence" is seen as "air".
                            let (n, _) = leading_word(w, 0);
                            w[..n].to_string()
                        })
                        .filter(|w| !w.is_empty())
                        .collect();
                    shape_trigger = false;
                }
                (Elem::Shape(_), Some(t)) => {
                    trigger_words = resolve_words(t, lists, file, line)?
                        .iter()
                        .map(|x| fold(x))
                        .collect();
                    shape_trigger = true;
                }
                _ => {
                    return Err(err(
                        "the trigger element must be a `words` element, or a `shape` element with `triggers`"
                            .into(),
                    ))
                }
            }
            if e.optional {
                return Err(err("the trigger element cannot be optional".into()));
            }
            anchor = Some(i);
        }
        elements.push(Element {
            elem,
            optional: e.optional,
            capture: e.capture.clone(),
        });
    }
    let anchor = anchor.ok_or_else(|| err("no element has `trigger = true`".into()))?;
    if shape_trigger {
        trigger_words = trigger_words.into_iter().map(|w| format!(".{w}")).collect();
    }
    let needs_cap = |e: &Element| {
        !e.optional && matches!(e.elem, Elem::Name(_) | Elem::Entity(_) | Elem::Shape(_))
    };
    let need_left = elements[..anchor].iter().any(needs_cap);
    let need_right = elements[anchor + 1..].iter().any(needs_cap);
    // Every {key} of the template must be captured (or be {match}).
    let mut rest = r.name.as_str();
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| err("unclosed { in name".into()))?
            + open;
        let key = &rest[open + 1..close];
        if key != "match" && !elements.iter().any(|e| e.capture.as_deref() == Some(key)) {
            return Err(err(format!(
                "name uses {{{key}}}, which no element captures"
            )));
        }
        rest = &rest[close + 1..];
    }
    if let Some(c) = &r.country {
        if !elements
            .iter()
            .any(|e| e.capture.as_deref() == Some(c) && matches!(e.elem, Elem::Entity(_)))
        {
            return Err(err(format!("country = {c:?} names no `entity` element")));
        }
    }
    let context = match &r.context {
        Some(w) => resolve_words(w, lists, file, line)?
            .iter()
            .map(|x| fold(x))
            .collect(),
        None => Vec::new(),
    };
    let fold_re = r
        .fold
        .as_deref()
        .map(|f| Regex::new(&format!("(?:{f})$")).map_err(|x| err(format!("bad fold regex: {x}"))))
        .transpose()?;
    Ok(Rule {
        id: r.id.clone(),
        etype,
        elements,
        anchor,
        template: r.name.trim().to_string(),
        country: r.country.clone(),
        category: r.category.clone(),
        context,
        fold: fold_re,
        lowercase: r.lowercase,
        suffixes,
        trigger_words,
        need_left,
        need_right,
        loc: crate::gazetteer::SourceLoc {
            file: file.to_string(),
            line,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::{CapitalCues, Matcher};
    use crate::pipeline::{GazetteerConfig, Pipeline};

    /// A rule window seen as a slice of its sentence's tokens (with `enter_window`) is
    /// exactly what tokenising the window alone gives, wherever the window falls: across
    /// a title-case run, a line break inside a run of spaces, a split suffix, a possessive.
    #[test]
    fn window_slice_equals_window_tokens() {
        let text = "Officials said the Ada-class corvette's crew trained in Türkiye \
            for weeks, and Navy Chiefs Review The Biggest Defence Purchase Since Independence \
            while  \n  the ministry (which had denied it) confirmed U.S.-made parts \
            were shipped through Karachi, according to people familiar with the deal who \
            spoke on condition of anonymity because the talks were private and continuing \
            into next year with Further Orders Expected From Several Gulf Governments Soon.";
        let s = SentenceSpan {
            start: 0,
            end: text.len(),
        };
        let sfx: FxHashSet<String> = ["class".to_string()].into_iter().collect();
        let mut toks = tokenize(text, s, &[], &sfx, true);
        let mut long = Vec::new();
        count_long_words(&toks, &mut long);
        let mut windows = 0;
        for (start, _) in text.char_indices().filter(|&(i, c)| {
            is_word_char(c) && text[..i].chars().next_back().is_none_or(|p| p == ' ')
        }) {
            let end = start + text[start..].find([' ', ',']).unwrap_or(text.len() - start);
            let w = window(text, s, start, end);
            let alone = tokenize(text, w, &[], &sfx, w.start == s.start);
            let lo = toks.partition_point(|k| k.start < w.start);
            let hi = toks.partition_point(|k| k.end <= w.end);
            let saved = enter_window(&mut toks, &long, text, s, w, lo, hi);
            assert_eq!(
                format!("{:?}", &toks[lo..hi]),
                format!("{alone:?}"),
                "window {w:?}"
            );
            set_window_flags(&mut toks[lo], saved);
            windows += usize::from(w != s);
        }
        // The sentence is long enough for windows smaller than it.
        assert!(windows > 10);
        assert_eq!(
            format!("{toks:?}"),
            format!("{:?}", tokenize(text, s, &[], &sfx, true))
        );
    }

    const GAZ: &str = r#"
[[entity]]
id = "country:aland"
type = "country"
name = "Aland"
demonyms = ["Alandic"]

[[entity]]
id = "country:borduria"
type = "country"
name = "Borduria"
demonyms = ["Bordurian"]

[[entity]]
id = "weapon:falcon"
type = "weapon"
name = "Falcon"

[[entity]]
id = "organization:borduria-navy"
type = "organization"
name = "Bordurian Navy"
"#;

    const RULES: &str = r#"
[lists]
heads = ["Group", "Navy", "Air Force"]
nouns = ["drone", "drones"]
cues = ["railway", "pipeline"]

[spelling]
Defense = "Defence"

[[rule]]
id = "force"
type = "organization"
country = "country"
match = [
    { entity = ["country"], as = "country" },
    { words = ["'s"], optional = true },
    { words = "@heads", as = "head", cap = true, trigger = true },
]
name = "{country} {head}"

[[rule]]
id = "ministry"
type = "organization"
country = "country"
match = [
    { entity = ["country"], as = "country" },
    { words = ["Defense", "Defence"], as = "topic", cap = true },
    { words = ["Ministry"], cap = true, trigger = true },
]
name = "{country} Ministry of {topic}"

[[rule]]
id = "group"
type = "organization"
match = [
    { name = true, max = 3, through = ["country"], except = ["@heads", "President"], as = "name" },
    { words = ["Group"], cap = true, trigger = true },
]
name = "{name} Group"

[[rule]]
id = "drone"
type = "weapon"
match = [
    { name = true, max = 1, optional = true, through = ["weapon"], as = "pre" },
    { shape = '\p{Lu}[\p{L}]{0,9}-\p{N}{1,3}[A-Z]?', as = "name" },
    { words = "@nouns", trigger = true },
]
name = "{pre} {name}"
fold = '[- ]?(\p{N}{1,3}|[A-Z])'

[[rule]]
id = "class"
type = "weapon"
context = ["navy", "corvettes"]
match = [
    { name = true, max = 2, as = "name" },
    { words = ["class"], hyphen_suffix = true, trigger = true },
]
name = "{name}-class"

[[rule]]
id = "route"
type = "place"
context = "@cues"
match = [
    { words = ["via"], trigger = true },
    { name = true, max = 2, as = "name" },
]
name = "{name}"

[[rule]]
id = "domain"
type = "organization"
lowercase = true
match = [{ shape = '[a-zA-Z0-9-]+\.[a-z]{2,3}', triggers = ["com", "ab"], trigger = true }]
name = "{match}"
"#;

    fn pipeline(gaz: &str, rules: &str) -> Pipeline {
        let g = Gazetteer::from_sources(&[SourceFile {
            name: "t.toml".into(),
            text: gaz.into(),
        }])
        .unwrap();
        let patterns = Patterns::from_sources(
            &[SourceFile {
                name: "p.toml".into(),
                text: rules.into(),
            }],
            &g,
        )
        .unwrap();
        let mut matcher = Matcher::new(&g, CapitalCues::embedded().unwrap()).unwrap();
        matcher.also_visit(patterns.trigger_words());
        let rules = crate::relations::RelationRules::embedded(&g).unwrap();
        let mut p = Pipeline::new(g, rules).unwrap();
        p.matcher = matcher;
        p.patterns = patterns;
        p
    }

    /// (surface, entity id, entity name, rule or "") of every mention of `text`.
    fn tag_with(p: &Pipeline, text: &str) -> Vec<(String, String, String, String)> {
        let a = p.analyse(crate::corpus::Document::new("t", text.to_string()), false);
        a.sentences
            .iter()
            .flat_map(|s| &s.mentions)
            .map(|m| {
                let e = p.gazetteer.entity(m.entity);
                let rule = if m.kind == AliasKind::Pattern {
                    p.patterns.rule_id(m.alias).to_string()
                } else {
                    String::new()
                };
                (
                    text[m.start..m.end].to_string(),
                    e.id.clone(),
                    e.name.clone(),
                    rule,
                )
            })
            .collect()
    }

    fn tag(text: &str) -> Vec<(String, String, String, String)> {
        tag_with(&pipeline(GAZ, RULES), text)
    }

    fn found(text: &str) -> Vec<(String, String)> {
        tag(text)
            .into_iter()
            .filter(|m| !m.3.is_empty())
            .map(|m| (m.0, m.2))
            .collect()
    }

    #[test]
    fn country_and_head_give_one_node_per_country() {
        let t = tag("The Alandic Air Force and Aland's Air Force flew.");
        let forces: Vec<_> = t.iter().filter(|m| m.3 == "force").collect();
        assert_eq!(forces.len(), 2, "{t:?}");
        assert!(forces.iter().all(|m| m.2 == "Aland Air Force"));
        assert_eq!(forces[0].1, forces[1].1);
        // The country mention is taken into the name.
        assert!(!t.iter().any(|m| m.1 == "country:aland"), "{t:?}");
        // The found entity belongs to its country.
        let p = pipeline(GAZ, RULES);
        tag_with(&p, "Aland's Navy sailed.");
        let e = p
            .gazetteer
            .entity(p.gazetteer.get("organization:aland-navy").unwrap());
        assert_eq!(e.country, p.gazetteer.get("country:aland"));
        assert_eq!(e.pattern.as_deref(), Some("force"));
        // A lower-case head is no name ("Aland's navy") when the rule asks for a capital.
        assert!(found("Aland's navy sailed.").is_empty());
    }

    #[test]
    fn the_gazetteer_wins() {
        // Listed as a whole: the alias matcher finds it and the rule stays out.
        let t = tag("The Bordurian Navy sailed.");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].1, "organization:borduria-navy");
        assert!(t[0].3.is_empty());
        // A name the rule builds whose id is a listed entity's is that entity.
        let t = tag("Borduria's Navy sailed.");
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!(t[0].1, "organization:borduria-navy");
        assert_eq!(t[0].0, "Borduria's Navy");
    }

    #[test]
    fn spelling_and_ministries() {
        let a = found("The Alandic Defense Ministry said so.");
        assert_eq!(
            a,
            vec![(
                "Alandic Defense Ministry".into(),
                "Aland Ministry of Defence".into()
            )]
        );
        let b = found("Aland Defence Ministry said so.");
        assert_eq!(b[0].1, "Aland Ministry of Defence");
    }

    #[test]
    fn name_runs_skip_titles_sentence_starters_and_headlines() {
        assert_eq!(
            found("Yesterday the Quex Holdings Group bought it."),
            vec![("Quex Holdings Group".into(), "Quex Holdings Group".into())]
        );
        // Countries may be part of the name; titles are not.
        assert_eq!(
            found("President Aland Steel Group spoke.")[0].1,
            "Aland Steel Group"
        );
        // A sentence starter is no name.
        assert!(found("Several Group members left.").is_empty());
        // Headlines capitalise every word.
        assert!(found("Quex Holdings Group Buys Large Ships From Aland Yards").is_empty());
        // A short sentence of names is not a headline.
        assert_eq!(found("Quex Holdings Group met Aland.").len(), 1);
        // Lower case breaks the run.
        assert!(found("a quex holdings Group").is_empty());
    }

    #[test]
    fn designations_next_to_a_weapon_noun_fold_into_their_family() {
        assert_eq!(
            found("It flew the Zorro-7 drones over the hills."),
            vec![("Zorro-7 drones".into(), "Zorro-7".into())]
        );
        // "Falcon-2" folds into the listed Falcon.
        let t = tag("They bought Falcon-2 drones.");
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!(t[0].1, "weapon:falcon");
        // No weapon noun, no weapon.
        assert!(found("The Zorro-7 report came out.").is_empty());
    }

    #[test]
    fn ship_classes_need_a_naval_context() {
        let a = found("The navy ordered two Kestrel-class corvettes.");
        assert_eq!(a[0].1, "Kestrel-class");
        let b = found("The navy ordered two Kestrel class corvettes.");
        assert_eq!(b[0].1, "Kestrel-class");
        assert!(found("He joined the Kestrel class at school.").is_empty());
    }

    #[test]
    fn route_places_need_a_route_in_the_sentence() {
        assert_eq!(
            found("The railway will run via Quorn Junction to the sea.")[0].1,
            "Quorn Junction"
        );
        assert!(found("He travelled via Quorn last year.").is_empty());
    }

    #[test]
    fn web_domains_are_one_outlet_whatever_their_case() {
        let p = pipeline(GAZ, RULES);
        let a = tag_with(&p, "As Example.com reported, and news-site.ab wrote.");
        let names: Vec<_> = a.iter().map(|m| m.2.as_str()).collect();
        assert_eq!(names, vec!["example.com", "news-site.ab"]);
        // A trigger word on its own is not a domain.
        assert!(found("It is a com.").is_empty());
    }

    #[test]
    fn bad_rules_are_reported_with_their_line() {
        let g = Gazetteer::from_sources(&[SourceFile {
            name: "t.toml".into(),
            text: GAZ.into(),
        }])
        .unwrap();
        let load = |t: &str| {
            Patterns::from_sources(
                &[SourceFile {
                    name: "p.toml".into(),
                    text: t.into(),
                }],
                &g,
            )
            .map(|_| ())
            .unwrap_err()
            .to_string()
        };
        let no_trigger = "\n[[rule]]\nid = \"x\"\ntype = \"place\"\nmatch = [{ name = true }]\nname = \"{match}\"\n";
        let e = load(no_trigger);
        assert!(e.contains("p.toml:2") && e.contains("trigger"), "{e}");
        let bad_list = "[[rule]]\nid = \"x\"\ntype = \"place\"\nmatch = [{ words = \"@nope\", trigger = true }]\nname = \"{match}\"\n";
        assert!(load(bad_list).contains("unknown list"));
        let bad_key = "[[rule]]\nid = \"x\"\ntype = \"place\"\nmatch = [{ words = [\"a\"], trigger = true }]\nname = \"{who}\"\n";
        assert!(load(bad_key).contains("{who}"));
        let bad_type = "[[rule]]\nid = \"x\"\ntype = \"city\"\nmatch = [{ words = [\"a\"], trigger = true }]\nname = \"x\"\n";
        assert!(load(bad_type).contains("unknown type"));
        let unknown_field = "[[rule]]\nid = \"x\"\ntype = \"place\"\nmatch = [{ wrds = [\"a\"], trigger = true }]\nname = \"x\"\n";
        assert!(load(unknown_field).contains("wrds"));
    }

    /// The embedded rules on sentences written for these tests.
    #[test]
    fn embedded_rules_find_each_family() {
        static P: std::sync::LazyLock<Pipeline> =
            std::sync::LazyLock::new(|| Pipeline::load(&GazetteerConfig::default()).unwrap());
        let names = |text: &str| -> Vec<(String, String)> {
            tag_with(&P, text)
                .into_iter()
                .filter(|m| !m.3.is_empty())
                .map(|m| (m.2, m.1))
                .collect()
        };
        let has = |text: &str, name: &str, ty: &str| {
            let n = names(text);
            assert!(
                n.iter().any(|(nm, id)| nm == name && id.starts_with(ty)),
                "{text:?}: {n:?}"
            );
        };
        has(
            "Officials of the Malian Air Force inspected the base.",
            "Mali Air Force",
            "organization",
        );
        has(
            "The Defence Ministry of Ghana confirmed the order.",
            "Ghana Ministry of Defence",
            "organization",
        );
        has(
            "Senegal's Ministry of Interior issued a statement.",
            "Senegal Ministry of Interior",
            "organization",
        );
        has(
            "A contract went to Kalinda Dynamics Limited last year.",
            "Kalinda Dynamics Limited",
            "organization",
        );
        has(
            "The Tamarind Liberation Front shelled the city.",
            "Tamarind Liberation Front",
            "organization",
        );
        has(
            "The story was first reported by steppe-monitor.kz on Monday.",
            "steppe-monitor.kz",
            "organization",
        );
        has(
            "Militias launched several Zarkan-9K drones at the airport.",
            "Zarkan-9K",
            "weapon",
        );
        has(
            "The navy will receive two Hisar-class offshore patrol vessels.",
            "Hisar-class",
            "weapon",
        );
        has(
            "Trucks cross at the Zarvani border crossing every day.",
            "Zarvani",
            "place",
        );
        has(
            "The new railway will pass through Mbalotte on its way to the coast.",
            "Mbalotte",
            "place",
        );
        // Plain prose names nothing.
        assert!(
            names("We must all work together for a better future for our children.").is_empty()
        );
        assert!(names("In the end, the Government did what the people wanted.").is_empty());
    }
}
