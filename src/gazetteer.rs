//! The gazetteer: entities with their aliases and attributes, loaded from TOML data files.
//!
//! The format is documented in `gazetteer/README.md`. Loading validates everything a
//! matcher or a relation rule relies on, and reports every problem with its file and line.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{line_of, Error, LineIndex, Result};
use crate::text::{fold, normalise_keep_case};

/// The five entity types of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    Country,
    Organization,
    Corridor,
    Weapon,
    Place,
}

impl EntityType {
    pub const ALL: [EntityType; 5] = [
        EntityType::Country,
        EntityType::Organization,
        EntityType::Corridor,
        EntityType::Weapon,
        EntityType::Place,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Country => "country",
            EntityType::Organization => "organization",
            EntityType::Corridor => "corridor",
            EntityType::Weapon => "weapon",
            EntityType::Place => "place",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an alias names its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AliasKind {
    Name,
    Acronym,
    Demonym,
    Capital,
    Variant,
    /// Found by a rule of the pattern recogniser, not by an alias.
    Pattern,
}

impl AliasKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AliasKind::Name => "name",
            AliasKind::Acronym => "acronym",
            AliasKind::Demonym => "demonym",
            AliasKind::Capital => "capital",
            AliasKind::Variant => "variant",
            AliasKind::Pattern => "pattern",
        }
    }
}

impl fmt::Display for AliasKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Index of an entity in [`Gazetteer::entities`].
pub type EntityIdx = u32;

/// Where a piece of data was defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLoc {
    pub file: String,
    pub line: usize,
}

impl fmt::Display for SourceLoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One entity of the gazetteer.
#[derive(Debug, Clone)]
pub struct Entity {
    pub id: String,
    pub name: String,
    pub etype: EntityType,
    pub iso2: Option<String>,
    pub iso3: Option<String>,
    /// place: the country it lies in; organization: the state it belongs to.
    pub country: Option<EntityIdx>,
    /// weapon: makers and origin countries.
    pub made_by: Vec<EntityIdx>,
    /// corridor: countries and places on the route.
    pub via: Vec<EntityIdx>,
    pub family: Option<String>,
    pub category: Option<String>,
    /// country: the place entities of its capitals.
    pub capital_places: Vec<EntityIdx>,
    pub loc: SourceLoc,
    /// For an entity the pattern recogniser found (not listed in the gazetteer): the id of
    /// the first rule that found it.
    pub pattern: Option<String>,
}

/// One alias claim: an alias text that names one entity.
#[derive(Debug, Clone)]
pub struct Alias {
    pub text: String,
    pub entity: EntityIdx,
    pub kind: AliasKind,
    pub case_sensitive: bool,
    pub ambiguous: bool,
    pub requires_any: Vec<EntityIdx>,
    /// Folded context words; one must occur in the sentence.
    pub context: Vec<String>,
    pub priority: i32,
    /// Also a person's name ("Jordan", "Kaan"): not counted next to another capitalised word
    /// that is not itself a mention ("Michael Jordan", "Kaan Yilmaz").
    pub person_name: bool,
    /// Folded words that, right after the alias, show another sense ("Indian tribes").
    pub not_followed_by: Vec<String>,
    /// For a capital: the place entity it names when used as a location.
    pub place_reading: Option<EntityIdx>,
    /// True for generated forms (demonym plurals).
    pub generated: bool,
    /// Written as an inline table with rules (it overrides a plain claim of the same text).
    pub from_rule: bool,
    pub loc: SourceLoc,
}

impl Alias {
    /// Whether this claim needs a condition to hold before it counts.
    pub fn is_conditional(&self) -> bool {
        !self.requires_any.is_empty() || !self.context.is_empty()
    }
}

/// The loaded, validated gazetteer.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    pub entities: Vec<Entity>,
    pub aliases: Vec<Alias>,
    by_id: HashMap<String, EntityIdx>,
    /// Non-fatal observations made while loading (shadowing, missing makers).
    pub warnings: Vec<String>,
    /// Entities the pattern recogniser found in text, numbered after `entities`.
    found: FoundEntities,
}

/// Entities added while documents are analysed (several threads at once): an append-only
/// store whose entries never move, so [`Gazetteer::entity`] hands out plain references to
/// them as to listed entities, and every stage (relations included) treats both alike.
#[derive(Default)]
struct FoundEntities {
    entities: boxcar::Vec<Entity>,
    by_id: std::sync::Mutex<rustc_hash::FxHashMap<String, EntityIdx>>,
    /// Other names an entity was found under that give the same id ("Post-Office
    /// Department", "Post Office Department"): which one comes first depends on thread
    /// timing, so the label is chosen among all of them ([`Gazetteer::found_label`]).
    other_names: std::sync::Mutex<rustc_hash::FxHashMap<EntityIdx, Vec<String>>>,
}

impl Clone for FoundEntities {
    fn clone(&self) -> Self {
        let by_id = self.by_id.lock().unwrap_or_else(|e| e.into_inner()).clone();
        // Entries are pushed under the lock, so a copy of the map names only copied entries.
        let entities = boxcar::Vec::new();
        for (_, e) in self.entities.iter() {
            entities.push(e.clone());
        }
        let other_names = self
            .other_names
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        FoundEntities {
            entities,
            by_id: std::sync::Mutex::new(by_id),
            other_names: std::sync::Mutex::new(other_names),
        }
    }
}

impl fmt::Debug for FoundEntities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FoundEntities")
            .field("count", &self.entities.count())
            .finish()
    }
}

// ---------------------------------------------------------------------------- raw format

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    entity: Vec<Spanned<RawEntity>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntity {
    id: Spanned<String>,
    #[serde(rename = "type")]
    etype: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    names: Vec<Spanned<RawAlias>>,
    #[serde(default)]
    acronyms: Vec<Spanned<RawAlias>>,
    #[serde(default)]
    demonyms: Vec<Spanned<RawAlias>>,
    #[serde(default)]
    capitals: Vec<Spanned<RawAlias>>,
    #[serde(default)]
    variants: Vec<Spanned<RawAlias>>,
    iso2: Option<String>,
    iso3: Option<String>,
    country: Option<Spanned<String>>,
    #[serde(default)]
    made_by: Vec<Spanned<String>>,
    #[serde(default)]
    via: Vec<Spanned<String>>,
    family: Option<String>,
    category: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawAlias {
    Plain(String),
    Rule(AliasRule),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AliasRule {
    text: String,
    case: Option<String>,
    #[serde(default)]
    ambiguous: bool,
    #[serde(default)]
    requires_any: Vec<String>,
    #[serde(default)]
    context: Vec<String>,
    #[serde(default)]
    priority: i32,
    #[serde(default)]
    person_name: bool,
    #[serde(default)]
    not_followed_by: Vec<String>,
}

/// A maintenance warning of `gazetteer check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// `file:line` of the entry.
    pub loc: String,
    /// A stable key without the location (`short-alias country:iran "Iran"`, `shadowed ...`,
    /// `no-maker ...`): the line that accepts the warning in `accepted_warnings.txt`.
    pub key: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.loc, self.message)
    }
}

/// The file of reviewed warnings beside the entity files (one key per line).
pub const ACCEPTED_WARNINGS: &str = "accepted_warnings.txt";

/// The accepted warnings of the embedded default.
pub static EMBEDDED_ACCEPTED_WARNINGS: &str = include_str!("../gazetteer/accepted_warnings.txt");

/// What `gazetteer check` found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    pub entities: usize,
    pub aliases: usize,
    /// Warnings no accepted line covers.
    pub warnings: Vec<Warning>,
    /// Warnings covered by an accepted line.
    pub accepted: usize,
    /// Accepted lines that match no warning any more (`file:line: key`): stale entries.
    pub stale: Vec<String>,
    /// The relation rules file checked, with its relation count.
    pub relations: Option<(String, usize)>,
}

/// `gazetteer check`: load and validate the entity files of `dir` (with the embedded
/// default when `with_default` or when no `dir` is given), then `dir`'s `relations.toml`
/// with the loader `extract --gazetteer` uses, then lint, leaving out the warnings listed
/// in `accepted_warnings.txt` (the default's and `dir`'s). Errors are load errors: what
/// would make `extract` fail.
pub fn check(dir: Option<&Path>, with_default: bool) -> Result<CheckReport> {
    let mut files = Vec::new();
    let default = dir.is_none() || with_default;
    if default {
        files.extend(embedded_files());
    }
    if let Some(d) = dir {
        files.extend(read_dir_files(d)?);
    }
    let g = Gazetteer::from_sources(&files)?;
    let mut report = CheckReport {
        entities: g.entities.len(),
        aliases: g.aliases.len(),
        ..Default::default()
    };
    if let Some(d) = dir {
        let p = d.join("relations.toml");
        if p.is_file() {
            let bytes = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
            let name = p.display().to_string();
            let text = String::from_utf8(bytes).map_err(|e| {
                Error::data(
                    &name,
                    crate::error::line_of(
                        &String::from_utf8_lossy(e.as_bytes()),
                        e.utf8_error().valid_up_to(),
                    ),
                    "the file is not UTF-8",
                )
            })?;
            let rules = crate::relations::RelationRules::parse(&name, &text, &g)?;
            report.relations = Some((name, rules.relations().len()));
        }
    }
    // Accepted keys with where they are written.
    let mut accepted: Vec<(String, String, bool)> = Vec::new();
    let mut add = |file: &str, text: &str| {
        for (i, line) in text.lines().enumerate() {
            let key = line.trim();
            if !key.is_empty() && !key.starts_with('#') {
                accepted.push((key.to_string(), format!("{file}:{}", i + 1), false));
            }
        }
    };
    if default {
        add(
            &format!("<embedded>/{ACCEPTED_WARNINGS}"),
            EMBEDDED_ACCEPTED_WARNINGS,
        );
    }
    if let Some(d) = dir {
        let p = d.join(ACCEPTED_WARNINGS);
        if p.is_file() {
            let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
            add(&p.display().to_string(), &text);
        }
    }
    let index: HashMap<String, usize> = accepted
        .iter()
        .enumerate()
        .map(|(i, (k, _, _))| (k.clone(), i))
        .collect();
    for w in g.lint_warnings() {
        match index.get(&w.key) {
            Some(&i) => {
                accepted[i].2 = true;
                report.accepted += 1;
            }
            None => report.warnings.push(w),
        }
    }
    report.stale = accepted
        .into_iter()
        .filter(|(_, _, used)| !used)
        .map(|(k, at, _)| format!("{at}: {k}"))
        .collect();
    Ok(report)
}

/// A gazetteer source file: a display name and its text.
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// The default gazetteer files embedded at build time.
pub fn embedded_files() -> Vec<SourceFile> {
    embedded(crate::embedded::ENTITY_FILES, "<embedded>/")
}

fn embedded(files: &[(&str, &str)], prefix: &str) -> Vec<SourceFile> {
    files
        .iter()
        .map(|(name, text)| SourceFile {
            name: format!("{prefix}{name}"),
            text: (*text).to_string(),
        })
        .collect()
}

/// Read every `*.toml` under `dir` (recursively, sorted) as gazetteer source files.
pub fn read_dir_files(dir: &Path) -> Result<Vec<SourceFile>> {
    if !dir.is_dir() {
        return Err(Error::io(
            dir,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "gazetteer directory not found",
            ),
        ));
    }
    // relations.toml, text/ and patterns/ hold rules, not entities.
    toml_files_under(dir, |p| {
        p.file_name().is_some_and(|n| n != "relations.toml")
            && !p
                .strip_prefix(dir)
                .unwrap_or(p)
                .components()
                .any(|c| c.as_os_str() == "text" || c.as_os_str() == "patterns")
    })
}

/// Every `*.toml` under `dir` that `keep` accepts, recursively, in sorted order, read whole.
fn toml_files_under(dir: &Path, keep: impl Fn(&Path) -> bool) -> Result<Vec<SourceFile>> {
    let mut paths: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && keep(p))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
            Ok(SourceFile {
                name: p.display().to_string(),
                text,
            })
        })
        .collect()
}

/// The default pattern rule files (`gazetteer/patterns/*.toml`) embedded at build time.
pub fn embedded_pattern_files() -> Vec<SourceFile> {
    embedded(crate::embedded::PATTERN_FILES, "<embedded>/patterns/")
}

/// The pattern rule files of a gazetteer directory: every `*.toml` under `dir/patterns`
/// (sorted); none when it has no such directory.
pub fn read_dir_pattern_files(dir: &Path) -> Result<Vec<SourceFile>> {
    let dir = dir.join("patterns");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    toml_files_under(&dir, |_| true)
}

/// Default case rule: short aliases and all-caps aliases are case-sensitive.
pub fn default_case_sensitive(text: &str) -> bool {
    let chars = text.chars().count();
    let has_lower = text.chars().any(|c| c.is_lowercase());
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    chars <= 3 || (!has_lower && letters >= 2)
}

/// Plural of a demonym adjective used as a people-noun ("Pakistani" → "Pakistanis").
fn demonym_plural(d: &str) -> Option<String> {
    let lower = d.to_lowercase();
    let no_plural = ["s", "sh", "ch", "ese", "x", "z"];
    if no_plural.iter().any(|s| lower.ends_with(s)) || d.contains(' ') {
        None
    } else {
        Some(format!("{d}s"))
    }
}

/// The id slug of a name: folded, runs of other characters as one `-`.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in fold(s).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn valid_id(id: &str, etype: &str) -> bool {
    match id.split_once(':') {
        Some((t, s)) => {
            t == etype
                && !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        }
        None => false,
    }
}

struct Pending {
    /// Unresolved references: (entity, field, id, location).
    refs: Vec<(EntityIdx, &'static str, String, SourceLoc)>,
    alias_refs: Vec<(usize, Vec<(String, SourceLoc)>)>,
}

impl Gazetteer {
    /// The embedded default gazetteer.
    pub fn embedded() -> Result<Self> {
        Self::from_sources(&embedded_files())
    }

    /// Load and validate a gazetteer from source files (later files add to earlier ones).
    pub fn from_sources(files: &[SourceFile]) -> Result<Self> {
        let mut g = Gazetteer::default();
        let mut errors = Vec::new();
        let mut pending = Pending {
            refs: Vec::new(),
            alias_refs: Vec::new(),
        };
        // Parsing TOML is most of the load time; files parse independently.
        let parsed: Vec<std::result::Result<RawFile, toml::de::Error>> = {
            use rayon::prelude::*;
            files.par_iter().map(|f| toml::from_str(&f.text)).collect()
        };
        for (f, raw) in files.iter().zip(parsed) {
            g.load_file(f, raw, &mut pending, &mut errors);
        }
        g.resolve_refs(pending, &mut errors);
        g.synthesise_capitals();
        g.add_generated_forms();
        g.check_claims(&mut errors);
        g.collect_warnings();
        match errors.len() {
            0 => Ok(g),
            1 => Err(errors.pop().unwrap()),
            _ => Err(Error::DataErrors(errors)),
        }
    }

    fn load_file(
        &mut self,
        f: &SourceFile,
        raw: std::result::Result<RawFile, toml::de::Error>,
        pending: &mut Pending,
        errors: &mut Vec<Error>,
    ) {
        let raw: RawFile = match raw {
            Ok(r) => r,
            Err(e) => {
                let line = e.span().map(|s| line_of(&f.text, s.start)).unwrap_or(1);
                errors.push(Error::data(&f.name, line, e.message().to_string()));
                return;
            }
        };
        let lines = LineIndex::new(&f.text);
        let at = |off: usize| SourceLoc {
            file: f.name.clone(),
            line: lines.line(off),
        };
        for spanned in raw.entity {
            let ent_loc = at(spanned.span().start);
            let raw = spanned.into_inner();
            let id = raw.id.get_ref().trim().to_string();
            let id_loc = at(raw.id.span().start);
            let etype_s = raw.etype.get_ref().as_str();
            let Some(etype) = EntityType::parse(etype_s) else {
                errors.push(Error::data(
                    &f.name,
                    at(raw.etype.span().start).line,
                    format!(
                        "unknown entity type {etype_s:?} (expected country, organization, corridor, weapon or place)"
                    ),
                ));
                continue;
            };
            if !valid_id(&id, etype_s) {
                errors.push(Error::data(
                    &f.name,
                    id_loc.line,
                    format!(
                        "id {id:?} must look like \"{etype_s}:<slug>\" with a slug of [a-z0-9._-]"
                    ),
                ));
                continue;
            }
            if let Some(&prev) = self.by_id.get(&id) {
                errors.push(Error::data(
                    &f.name,
                    id_loc.line,
                    format!(
                        "duplicate id {id:?} (first defined at {})",
                        self.entities[prev as usize].loc
                    ),
                ));
                continue;
            }
            let name = raw.name.get_ref().trim().to_string();
            if name.is_empty() {
                errors.push(Error::data(
                    &f.name,
                    at(raw.name.span().start).line,
                    format!("{id}: empty name"),
                ));
                continue;
            }
            let idx = self.entities.len() as EntityIdx;
            if etype != EntityType::Country && !raw.capitals.is_empty() {
                errors.push(Error::data(
                    &f.name,
                    ent_loc.line,
                    format!("{id}: only countries have capitals"),
                ));
            }
            let check_attr =
                |present: bool, field: &str, allowed: &[EntityType], errors: &mut Vec<Error>| {
                    if present && !allowed.contains(&etype) {
                        errors.push(Error::data(
                            &f.name,
                            ent_loc.line,
                            format!("{id}: attribute `{field}` does not apply to a {etype}"),
                        ));
                    }
                };
            check_attr(
                raw.iso2.is_some() || raw.iso3.is_some(),
                "iso2/iso3",
                &[EntityType::Country],
                errors,
            );
            check_attr(
                raw.country.is_some(),
                "country",
                &[EntityType::Place, EntityType::Organization],
                errors,
            );
            check_attr(
                !raw.made_by.is_empty(),
                "made_by",
                &[EntityType::Weapon],
                errors,
            );
            check_attr(
                raw.family.is_some(),
                "family",
                &[EntityType::Weapon],
                errors,
            );
            check_attr(!raw.via.is_empty(), "via", &[EntityType::Corridor], errors);

            for (field, list) in [
                ("country", raw.country.iter().collect::<Vec<_>>()),
                ("made_by", raw.made_by.iter().collect()),
                ("via", raw.via.iter().collect()),
            ] {
                for r in list {
                    pending.refs.push((
                        idx,
                        field,
                        r.get_ref().trim().to_string(),
                        at(r.span().start),
                    ));
                }
            }
            self.by_id.insert(id.clone(), idx);
            self.entities.push(Entity {
                id: id.clone(),
                name: name.clone(),
                etype,
                iso2: raw.iso2,
                iso3: raw.iso3,
                country: None,
                made_by: Vec::new(),
                via: Vec::new(),
                family: raw.family,
                category: raw.category,
                capital_places: Vec::new(),
                loc: ent_loc.clone(),
                pattern: None,
            });
            // The canonical name is an alias of kind "name".
            self.push_alias(
                idx,
                AliasKind::Name,
                RawAlias::Plain(name),
                at(raw.name.span().start),
                pending,
                errors,
            );
            for (kind, list) in [
                (AliasKind::Name, raw.names),
                (AliasKind::Acronym, raw.acronyms),
                (AliasKind::Demonym, raw.demonyms),
                (AliasKind::Capital, raw.capitals),
                (AliasKind::Variant, raw.variants),
            ] {
                for a in list {
                    let loc = at(a.span().start);
                    self.push_alias(idx, kind, a.into_inner(), loc, pending, errors);
                }
            }
        }
    }

    fn push_alias(
        &mut self,
        entity: EntityIdx,
        kind: AliasKind,
        raw: RawAlias,
        loc: SourceLoc,
        pending: &mut Pending,
        errors: &mut Vec<Error>,
    ) {
        let from_rule = matches!(raw, RawAlias::Rule(_));
        let rule = match raw {
            RawAlias::Plain(text) => AliasRule {
                text,
                case: None,
                ambiguous: false,
                requires_any: Vec::new(),
                context: Vec::new(),
                priority: 0,
                person_name: false,
                not_followed_by: Vec::new(),
            },
            RawAlias::Rule(r) => r,
        };
        let text = rule.text.trim().to_string();
        let id = &self.entities[entity as usize].id;
        if text.is_empty() {
            errors.push(Error::data(
                &loc.file,
                loc.line,
                format!("{id}: empty alias"),
            ));
            return;
        }
        if !text.chars().any(|c| c.is_alphanumeric()) {
            errors.push(Error::data(
                &loc.file,
                loc.line,
                format!("{id}: alias {text:?} has no letter or digit"),
            ));
            return;
        }
        let case_sensitive = match rule.case.as_deref() {
            None => default_case_sensitive(&text),
            Some("sensitive") => true,
            Some("insensitive") => false,
            Some(other) => {
                errors.push(Error::data(
                    &loc.file,
                    loc.line,
                    format!("{id}: alias {text:?}: case must be \"sensitive\" or \"insensitive\", not {other:?}"),
                ));
                return;
            }
        };
        if !rule.requires_any.is_empty() {
            pending.alias_refs.push((
                self.aliases.len(),
                rule.requires_any
                    .iter()
                    .map(|r| (r.trim().to_string(), loc.clone()))
                    .collect(),
            ));
        }
        self.aliases.push(Alias {
            text,
            entity,
            kind,
            case_sensitive,
            ambiguous: rule.ambiguous,
            requires_any: Vec::new(),
            context: rule
                .context
                .iter()
                .map(|c| fold(c.trim()))
                .filter(|c| !c.is_empty())
                .collect(),
            priority: rule.priority,
            person_name: rule.person_name,
            not_followed_by: rule
                .not_followed_by
                .iter()
                .map(|w| fold(w.trim()))
                .filter(|w| !w.is_empty())
                .collect(),
            place_reading: None,
            generated: false,
            from_rule,
            loc,
        });
    }

    fn resolve_refs(&mut self, pending: Pending, errors: &mut Vec<Error>) {
        let capitals = self.capitals_by_slug();
        for (idx, field, target, loc) in pending.refs {
            let Some(&t) = self.by_id.get(&target) else {
                // Capital places are synthesised later; accept references to them.
                let capital = target
                    .strip_prefix("place:")
                    .and_then(|slug| capitals.get(slug));
                if let Some(&alias) = capital {
                    let t = self.ensure_capital_place(&target, alias);
                    self.attach_ref(idx, field, t, &loc, errors);
                    continue;
                }
                errors.push(Error::data(
                    &loc.file,
                    loc.line,
                    format!(
                        "{}: `{field}` names unknown entity {target:?}",
                        self.entities[idx as usize].id
                    ),
                ));
                continue;
            };
            self.attach_ref(idx, field, t, &loc, errors);
        }
        for (alias, refs) in pending.alias_refs {
            for (target, loc) in refs {
                match self.by_id.get(&target) {
                    Some(&t) => self.aliases[alias].requires_any.push(t),
                    None => errors.push(Error::data(
                        &loc.file,
                        loc.line,
                        format!(
                            "alias {:?}: requires_any names unknown entity {target:?}",
                            self.aliases[alias].text
                        ),
                    )),
                }
            }
        }
    }

    /// The first capital alias of each slug (`place:<slug>` names its place).
    fn capitals_by_slug(&self) -> HashMap<String, usize> {
        let mut map = HashMap::new();
        for (i, a) in self.aliases.iter().enumerate() {
            if a.kind == AliasKind::Capital {
                map.entry(slug(&a.text)).or_insert(i);
            }
        }
        map
    }

    /// The place entity `place_id` for the capital named by alias `capital`, created on
    /// first use.
    fn ensure_capital_place(&mut self, place_id: &str, capital: usize) -> EntityIdx {
        if let Some(&t) = self.by_id.get(place_id) {
            return t;
        }
        let alias = self.aliases[capital].clone();
        let t = self.entities.len() as EntityIdx;
        self.entities.push(Entity {
            id: place_id.to_string(),
            name: alias.text.clone(),
            etype: EntityType::Place,
            iso2: None,
            iso3: None,
            country: Some(alias.entity),
            made_by: Vec::new(),
            via: Vec::new(),
            family: None,
            category: Some("capital".into()),
            capital_places: Vec::new(),
            loc: alias.loc.clone(),
            pattern: None,
        });
        self.by_id.insert(place_id.to_string(), t);
        t
    }

    fn attach_ref(
        &mut self,
        idx: EntityIdx,
        field: &str,
        t: EntityIdx,
        loc: &SourceLoc,
        errors: &mut Vec<Error>,
    ) {
        let tt = self.entities[t as usize].etype;
        let ok = match field {
            "country" => tt == EntityType::Country,
            "made_by" => matches!(tt, EntityType::Country | EntityType::Organization),
            "via" => matches!(tt, EntityType::Country | EntityType::Place),
            _ => false,
        };
        if !ok {
            errors.push(Error::data(
                &loc.file,
                loc.line,
                format!(
                    "{}: `{field}` cannot name the {tt} {}",
                    self.entities[idx as usize].id, self.entities[t as usize].id
                ),
            ));
            return;
        }
        let e = &mut self.entities[idx as usize];
        match field {
            "country" => e.country = Some(t),
            "made_by" => e.made_by.push(t),
            _ => e.via.push(t),
        }
    }

    /// Every capital alias gets a place reading `place:<slug>`.
    fn synthesise_capitals(&mut self) {
        let capitals = self.capitals_by_slug();
        for i in 0..self.aliases.len() {
            if self.aliases[i].kind != AliasKind::Capital {
                continue;
            }
            let capital_slug = slug(&self.aliases[i].text);
            let first = capitals[&capital_slug];
            let place_id = format!("place:{capital_slug}");
            let p = self.ensure_capital_place(&place_id, first);
            if self.entities[p as usize].country.is_none() {
                self.entities[p as usize].country = Some(self.aliases[i].entity);
            }
            self.aliases[i].place_reading = Some(p);
            let c = self.aliases[i].entity as usize;
            if !self.entities[c].capital_places.contains(&p) {
                self.entities[c].capital_places.push(p);
            }
        }
    }

    /// Demonym plurals, as generated aliases of kind demonym.
    fn add_generated_forms(&mut self) {
        let mut extra = Vec::new();
        for a in &self.aliases {
            if a.kind == AliasKind::Demonym && !a.generated {
                if let Some(p) = demonym_plural(&a.text) {
                    let mut g = a.clone();
                    g.text = p;
                    g.generated = true;
                    extra.push(g);
                }
            }
        }
        // A generated form never overrides a written alias of another entity.
        let written: std::collections::HashSet<String> =
            self.aliases.iter().map(|a| fold(&a.text)).collect();
        extra.retain(|g| !written.contains(&fold(&g.text)));
        self.aliases.extend(extra);
    }

    /// An alias claimed by two entities must be marked ambiguous on both claims.
    fn check_claims(&mut self, errors: &mut Vec<Error>) {
        let mut by_text: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, a) in self.aliases.iter().enumerate() {
            by_text.entry(fold(&a.text)).or_default().push(i);
        }
        let mut drop = vec![false; self.aliases.len()];
        for (_, claims) in by_text {
            // The same entity claiming the same text twice: a claim with rules overrides a
            // plain one (`name = "Chad"` + `names = [{ text = "Chad", case = "sensitive" }]`),
            // otherwise the first is kept.
            for &i in &claims {
                for &j in &claims {
                    if i == j || drop[i] || drop[j] {
                        continue;
                    }
                    let (a, b) = (&self.aliases[i], &self.aliases[j]);
                    if a.entity == b.entity && a.generated == b.generated {
                        let same_exact =
                            normalise_keep_case(&a.text) == normalise_keep_case(&b.text);
                        // Two case-sensitive claims of different letters ("QUAD", "Quad") both stay.
                        let loser = match (a.from_rule, b.from_rule) {
                            (false, true) if same_exact || !a.case_sensitive => i,
                            (true, false) if same_exact || !b.case_sensitive => j,
                            _ if same_exact || (!a.case_sensitive && !b.case_sensitive) => i.max(j),
                            _ => continue,
                        };
                        drop[loser] = true;
                    }
                }
            }
            // A place entity that is the place reading of a capital claim is reached through
            // that claim; its own claim of the same text is redundant.
            for &i in &claims {
                let e = self.aliases[i].entity;
                if claims
                    .iter()
                    .any(|&j| j != i && self.aliases[j].place_reading == Some(e))
                {
                    drop[i] = true;
                }
            }
            let live: Vec<usize> = claims.iter().copied().filter(|&i| !drop[i]).collect();
            for (n, &i) in live.iter().enumerate() {
                for &j in &live[..n] {
                    let (a, b) = (&self.aliases[i], &self.aliases[j]);
                    if a.entity == b.entity {
                        continue;
                    }
                    // Two case-sensitive claims with different exact forms never collide.
                    if a.case_sensitive
                        && b.case_sensitive
                        && normalise_keep_case(&a.text) != normalise_keep_case(&b.text)
                    {
                        continue;
                    }
                    if a.generated || b.generated {
                        // A generated plural loses silently against a written claim.
                        if a.generated {
                            drop[i] = true;
                        } else {
                            drop[j] = true;
                        }
                        continue;
                    }
                    if !(a.ambiguous && b.ambiguous) {
                        let (first, second) = (b, a);
                        errors.push(Error::data(
                            &second.loc.file,
                            second.loc.line,
                            format!(
                                "alias {:?} of {} is already claimed by {} at {}; mark both claims `ambiguous = true` and say how to resolve them (priority, context, requires_any)",
                                second.text,
                                self.entities[second.entity as usize].id,
                                self.entities[first.entity as usize].id,
                                first.loc
                            ),
                        ));
                    }
                }
            }
        }
        let mut i = 0;
        self.aliases.retain(|_| {
            let keep = !drop[i];
            i += 1;
            keep
        });
    }

    fn collect_warnings(&mut self) {
        self.warnings = self
            .weapons_without_makers()
            .map(|w| w.to_string())
            .collect();
    }

    fn weapons_without_makers(&self) -> impl Iterator<Item = Warning> + '_ {
        self.entities
            .iter()
            .filter(|e| e.etype == EntityType::Weapon && e.made_by.is_empty())
            .map(|e| Warning {
                loc: e.loc.to_string(),
                key: format!("no-maker {}", e.id),
                message: format!("weapon {} has no `made_by`", e.id),
            })
    }

    /// Maintenance warnings beyond the load-time errors, as `file:line: message`.
    pub fn lint(&self) -> Vec<String> {
        self.lint_warnings().iter().map(|w| w.to_string()).collect()
    }

    /// Maintenance warnings beyond the load-time errors: weapons without makers, aliases
    /// that a longer alias of another entity always shadows at the same start, and very short
    /// case-insensitive aliases made of letters only (a designation with a digit, as
    /// "Su-27", is no word of running text).
    pub fn lint_warnings(&self) -> Vec<Warning> {
        let mut w: Vec<Warning> = self.weapons_without_makers().collect();
        for a in &self.aliases {
            if a.generated {
                continue;
            }
            let letters = a.text.chars().filter(|c| c.is_alphanumeric()).count();
            let has_digit = a.text.chars().any(|c| c.is_numeric());
            if !a.case_sensitive && letters <= 4 && !has_digit {
                let id = &self.entities[a.entity as usize].id;
                w.push(Warning {
                    loc: a.loc.to_string(),
                    key: format!("short-alias {id} {:?}", a.text),
                    message: format!(
                        "short alias {:?} of {id} matches case-insensitively; consider case = \"sensitive\"",
                        a.text
                    ),
                });
            }
        }
        // Shadowing: an alias that is a word-prefix of another entity's alias of the same
        // type (as "Wing Loong" in "Wing Loong II") is only found where the longer alias does
        // not match. Across types the longer name is another thing by design ("Qatar" in
        // "Qatar News Agency", "Kenyan" in "Kenyan Army"), so that is no warning.
        let mut folded: Vec<(String, usize)> = self
            .aliases
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.generated)
            .map(|(i, a)| (fold(&a.text), i))
            .collect();
        folded.sort();
        for (n, (f, i)) in folded.iter().enumerate() {
            for (g, j) in folded[n + 1..].iter() {
                if !g.starts_with(f.as_str()) {
                    break;
                }
                let (a, b) = (&self.aliases[*i], &self.aliases[*j]);
                let same_type = self.entities[a.entity as usize].etype
                    == self.entities[b.entity as usize].etype;
                if a.entity != b.entity && same_type && g[f.len()..].starts_with(' ') {
                    let (ia, ib) = (
                        &self.entities[a.entity as usize].id,
                        &self.entities[b.entity as usize].id,
                    );
                    w.push(Warning {
                        loc: a.loc.to_string(),
                        key: format!("shadowed {ia} {:?} by {ib} {:?}", a.text, b.text),
                        message: format!(
                            "alias {:?} of {ia} is shadowed by {:?} of {ib} where the longer one occurs",
                            a.text, b.text
                        ),
                    });
                    break;
                }
            }
        }
        w
    }

    /// Aliases closest to `name` (edit distance on folded text), for "did you mean".
    pub fn suggest(&self, name: &str, n: usize) -> Vec<String> {
        let f = fold(name.trim());
        let mut scored: Vec<(usize, String)> = self
            .aliases
            .iter()
            .map(|a| (edit_distance(&f, &fold(&a.text)), a.text.clone()))
            .collect();
        scored.sort();
        scored.dedup_by(|a, b| a.1 == b.1);
        let limit = (f.chars().count() / 2).max(2);
        scored
            .into_iter()
            .filter(|(d, _)| *d <= limit)
            .take(n)
            .map(|(_, s)| s)
            .collect()
    }

    /// Look an entity up by id (listed, or found by the pattern recogniser).
    pub fn get(&self, id: &str) -> Option<EntityIdx> {
        self.by_id.get(id).copied().or_else(|| {
            self.found
                .by_id
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(id)
                .copied()
        })
    }

    /// The entity `idx`: a listed one, or one [`Self::intern`] added.
    pub fn entity(&self, idx: EntityIdx) -> &Entity {
        let i = idx as usize;
        match self.entities.get(i) {
            Some(e) => e,
            None => &self.found.entities[i - self.entities.len()],
        }
    }

    /// The index of the entity with `entity.id`: the listed entity of that id, else the one
    /// found before, else `entity`, added now. Safe to call from several threads; the first
    /// caller's attributes stay.
    pub fn intern(&self, entity: Entity) -> EntityIdx {
        if let Some(&i) = self.by_id.get(&entity.id) {
            return i;
        }
        let mut by_id = self.found.by_id.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&i) = by_id.get(&entity.id) {
            if self.entity(i).name != entity.name {
                let mut other = self
                    .found
                    .other_names
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                let names = other.entry(i).or_default();
                if !names.contains(&entity.name) {
                    names.push(entity.name);
                }
            }
            return i;
        }
        let id = entity.id.clone();
        let i = (self.entities.len() + self.found.entities.push(entity)) as EntityIdx;
        by_id.insert(id, i);
        i
    }

    /// The label of a found entity: of all names it was found under, the one with the
    /// fewest capitals ("Armed Forces" before "ARMED FORCES"), then the smallest; the same
    /// whatever order documents were analysed in.
    pub fn found_label(&self, idx: EntityIdx) -> String {
        let e = self.entity(idx);
        let other = self
            .found
            .other_names
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        std::iter::once(&e.name)
            .chain(other.get(&idx).into_iter().flatten())
            .min_by_key(|n| (n.chars().filter(|c| c.is_uppercase()).count(), n.as_str()))
            .cloned()
            .unwrap_or_default()
    }

    /// Number of entities found by the pattern recogniser so far.
    pub fn found_count(&self) -> usize {
        self.found.entities.count()
    }

    /// Every entity an alias reaches (case-insensitively), with the claim.
    pub fn lookup(&self, name: &str) -> Vec<&Alias> {
        let f = fold(name.trim());
        let mut v: Vec<&Alias> = self.aliases.iter().filter(|a| fold(&a.text) == f).collect();
        v.sort_by_key(|a| (a.entity, a.kind));
        v
    }
}

/// Levenshtein distance over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_dir(files: &[(&str, &[u8])]) -> Result<CheckReport> {
        let d = tempfile::tempdir().unwrap();
        for (name, bytes) in files {
            std::fs::write(d.path().join(name), bytes).unwrap();
        }
        check(Some(d.path()), false)
    }

    const ONE: &[u8] =
        b"[[entity]]\nid = \"place:xa\"\ntype = \"place\"\nname = \"Xa\"\nnames = [\"Xarq\"]\n";

    /// `check DIR` loads DIR's relations.toml with extract's loader: what makes extract
    /// fail makes check fail.
    #[test]
    fn check_validates_the_relation_rules() {
        let bad: [&[u8]; 3] = [b"", b"\xff\xfe[[relation]]", b"[[relation]"];
        for rules in bad {
            let e = check_dir(&[("a.toml", ONE), ("relations.toml", rules)]).unwrap_err();
            assert!(e.to_string().contains("relations.toml:"), "{e}");
        }
        let good = include_str!("../gazetteer/relations.toml").as_bytes();
        let r = check_dir(&[("a.toml", ONE), ("relations.toml", good)]).unwrap();
        assert!(r.relations.unwrap().1 > 0);
        assert!(check_dir(&[("a.toml", ONE)]).unwrap().relations.is_none());
    }

    /// Accepted warnings are counted, not shown; an accepted key that matches nothing is
    /// reported as stale.
    #[test]
    fn accepted_warnings_are_counted_and_stale_ones_reported() {
        let r = check_dir(&[("a.toml", ONE)]).unwrap();
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert_eq!(r.warnings[0].key, "short-alias place:xa \"Xarq\"");
        let accepted = b"# reviewed\nshort-alias place:xa \"Xarq\"\nshadowed gone\n";
        let r = check_dir(&[("a.toml", ONE), (ACCEPTED_WARNINGS, accepted)]).unwrap();
        assert!(r.warnings.is_empty());
        assert_eq!(r.accepted, 1);
        assert_eq!(r.stale.len(), 1);
        assert!(r.stale[0].ends_with(":3: shadowed gone"), "{:?}", r.stale);
    }

    /// The default gazetteer checks quiet: every warning is fixed or accepted, and no
    /// accepted line is stale.
    #[test]
    fn default_gazetteer_checks_quiet() {
        let r = check(None, false).unwrap();
        let shown: Vec<String> = r
            .warnings
            .iter()
            .map(|w| format!("{w} [{}]", w.key))
            .collect();
        assert!(shown.is_empty(), "{}", shown.join("\n"));
        assert!(r.stale.is_empty(), "{:?}", r.stale);
        assert!(r.accepted > 0);
    }

    fn load(text: &str) -> Result<Gazetteer> {
        Gazetteer::from_sources(&[SourceFile {
            name: "t.toml".into(),
            text: text.into(),
        }])
    }

    const BASE: &str = r#"
[[entity]]
id = "country:pakistan"
type = "country"
name = "Pakistan"
demonyms = ["Pakistani"]
capitals = ["Islamabad"]

[[entity]]
id = "weapon:jf-17"
type = "weapon"
name = "JF-17"
made_by = ["country:pakistan"]
"#;

    #[test]
    fn loads_and_synthesises_capital_place_and_plural() {
        let g = load(BASE).unwrap();
        let p = g.get("place:islamabad").expect("capital place");
        assert_eq!(g.entity(p).country, g.get("country:pakistan"));
        assert!(g
            .aliases
            .iter()
            .any(|a| a.text == "Pakistanis" && a.generated));
        assert!(g
            .aliases
            .iter()
            .any(|a| a.text == "JF-17" && a.case_sensitive));
        assert!(g
            .aliases
            .iter()
            .any(|a| a.text == "Pakistan" && !a.case_sensitive));
    }

    #[test]
    fn duplicate_id_names_file_and_line() {
        let text = format!(
            "{BASE}\n[[entity]]\nid = \"country:pakistan\"\ntype = \"country\"\nname = \"P2\"\n"
        );
        let e = load(&text).unwrap_err().to_string();
        assert!(e.starts_with("t.toml:16:"), "{e}");
        assert!(e.contains("duplicate id"), "{e}");
    }

    #[test]
    fn unknown_reference_and_type_are_errors() {
        let e = load("[[entity]]\nid = \"weapon:x\"\ntype = \"weapon\"\nname = \"X-1\"\nmade_by = [\"country:nowhere\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("t.toml:5:") && e.contains("unknown entity"),
            "{e}"
        );
        let e = load("[[entity]]\nid = \"ship:x\"\ntype = \"ship\"\nname = \"X\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("t.toml:3:") && e.contains("unknown entity type"),
            "{e}"
        );
    }

    #[test]
    fn alias_claimed_twice_needs_ambiguous() {
        let two = "[[entity]]\nid = \"country:georgia\"\ntype = \"country\"\nname = \"Georgia\"\n\n[[entity]]\nid = \"place:georgia-us\"\ntype = \"place\"\nname = \"Georgia\"\n";
        let e = load(two).unwrap_err().to_string();
        assert!(
            e.contains("t.toml:9:") && e.contains("already claimed"),
            "{e}"
        );
        let ok = "[[entity]]\nid = \"country:georgia\"\ntype = \"country\"\nname = \"Georgia\"\nvariants = []\n\n[[entity]]\nid = \"place:georgia-us\"\ntype = \"place\"\nname = \"Georgia State\"\nvariants = [{ text = \"Georgia\", ambiguous = true, context = [\"Atlanta\"] }]\n";
        // Only one side is marked: still an error.
        assert!(load(ok).is_err());
    }

    #[test]
    fn syntax_error_and_empty_alias_have_lines() {
        let e = load(
            "[[entity]]\nid = \"country:a\"\ntype = \"country\"\nname = \"A\"\nnames = [\"\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("t.toml:5:") && e.contains("empty alias"), "{e}");
        let e = load("[[entity]]\nid = \"country:a\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.toml:2:"), "{e}");
    }

    #[test]
    fn case_rule_defaults() {
        assert!(default_case_sensitive("US"));
        assert!(default_case_sensitive("SCO"));
        assert!(default_case_sensitive("J-10C"));
        assert!(!default_case_sensitive("Pakistan"));
        assert!(!default_case_sensitive("JF-17 Thunder"));
    }
}
