//! The knowledge graph: one node per entity, one edge per (source, relation, target).
//!
//! Edges carry their evidence (document, sentence index, byte span) and a weight that counts
//! *distinct* supporting sentences: a sentence repeated verbatim in a syndicated copy adds its
//! location to the evidence but not to the weight. Symmetric relations are stored once, with
//! the smaller id as source. The same structure is the JSON snapshot that `neighbors`, `diff`
//! and `stats` load.

use std::collections::BTreeSet;
use std::sync::Arc;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::dates::{Date, DateCounts};
use crate::gazetteer::{Entity, EntityType};
use crate::text::normalise_keep_case;

/// The relation of co-occurrence edges.
pub const CO_OCCURS_WITH: &str = "co_occurs_with";

/// An entity node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    pub label: String,
    #[serde(rename = "type")]
    pub etype: EntityType,
    /// Mentions in distinct sentences.
    pub mentions: u64,
    /// Documents that mention the entity.
    pub documents: u64,
    /// How the entity was found: listed in the gazetteer, or by the pattern recogniser.
    #[serde(default)]
    pub source: NodeSource,
    /// The surface forms the entity was found under, most frequent first (then in text
    /// order of their characters).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Earliest and latest dates of the documents that mention the entity; absent (not
    /// written) when none of them is dated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<Date>,
    /// Mentions by document date, counted as `mentions` is (see [`DateCounts`]).
    #[serde(default, skip_serializing_if = "DateCounts::is_empty")]
    pub dates: DateCounts,
    #[serde(skip)]
    last_doc: Option<u32>,
    /// Surface form -> mentions, while extracting; [`KnowledgeGraph::normalise`] turns it
    /// into `aliases`.
    #[serde(skip)]
    surfaces: FxHashMap<Box<str>, u64>,
}

/// Where a node comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeSource {
    /// An entity listed in the gazetteer.
    #[default]
    Gazetteer,
    /// An entity the pattern recogniser found by its shape and context.
    Pattern,
}

impl NodeSource {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeSource::Gazetteer => "gazetteer",
            NodeSource::Pattern => "pattern",
        }
    }
}

impl Node {
    /// A node as it is read back from a file (`graph_from` on GraphML or GEXF).
    pub fn new(
        id: String,
        label: String,
        etype: EntityType,
        mentions: u64,
        documents: u64,
        source: NodeSource,
        aliases: Vec<String>,
    ) -> Self {
        Node {
            id,
            label,
            etype,
            mentions,
            documents,
            source,
            aliases,
            first_seen: None,
            last_seen: None,
            dates: DateCounts::new(),
            last_doc: None,
            surfaces: FxHashMap::default(),
        }
    }
}

/// Where an edge is stated.
///
/// Serialized with the fields `doc`, `sentence`, `start`, `end` and, when present, `text`,
/// `rule` and `resolved`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "EvidenceFields")]
pub struct Evidence {
    /// Shared by every evidence entry of the document (`Arc`): a corpus has few documents
    /// and many evidence entries. `Arc<String>`, a thin pointer: 8 bytes an entry less than
    /// `Arc<str>` (a million entries at 100 MB of news).
    pub doc: Arc<String>,
    /// 0-based index of the sentence in its document.
    pub sentence: usize,
    /// Byte span of the sentence in the document text.
    pub start: usize,
    pub end: usize,
    /// The document's date, when it has one.
    pub date: Option<Date>,
    /// What a typed relation adds; `None` exactly when it adds nothing (co-occurrence).
    /// Boxed: most evidence is co-occurrence and the graph is mostly evidence, so an entry
    /// takes 48 bytes instead of 112 (1 GB of distinct text: 1.1 M entries).
    detail: Option<Box<EvidenceDetail>>,
}

/// Ordered by field, as written: document, sentence, span, date, detail.
impl Ord for Evidence {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // The entries of a document share its `Arc`: the merge compares each new entry with
        // an edge's last one, mostly of the same document, so equal pointers skip the bytes.
        let doc = if Arc::ptr_eq(&self.doc, &other.doc) {
            std::cmp::Ordering::Equal
        } else {
            self.doc.cmp(&other.doc)
        };
        doc.then_with(|| {
            (self.sentence, self.start, self.end, self.date, &self.detail).cmp(&(
                other.sentence,
                other.start,
                other.end,
                other.date,
                &other.detail,
            ))
        })
    }
}

impl PartialOrd for Evidence {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The optional parts of [`Evidence`] (ordered as they compare).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
struct EvidenceDetail {
    /// Shared by every entry of the sentence: a sentence of many relations stores its text
    /// once, not once per edge.
    text: Option<Arc<str>>,
    /// Shared by every entry of the rule (the extraction interns the names).
    rule: Option<Arc<str>>,
    resolved: Option<Box<str>>,
}

impl Evidence {
    /// Evidence without text, rule or resolution.
    pub fn new(doc: Arc<String>, sentence: usize, start: usize, end: usize) -> Self {
        Evidence {
            doc,
            sentence,
            start,
            end,
            date: None,
            detail: None,
        }
    }

    /// The same entry, dated.
    pub fn with_date(mut self, date: Option<Date>) -> Self {
        self.date = date;
        self
    }

    /// Add the sentence text, the rule and how a reference was resolved (each optional).
    pub fn with_detail(
        mut self,
        text: Option<Arc<str>>,
        rule: Option<Arc<str>>,
        resolved: Option<String>,
    ) -> Self {
        self.detail = (text.is_some() || rule.is_some() || resolved.is_some()).then(|| {
            Box::new(EvidenceDetail {
                text,
                rule,
                resolved: resolved.map(String::into_boxed_str),
            })
        });
        self
    }

    /// The sentence text (typed relations only; co-occurrence evidence omits it).
    pub fn text(&self) -> Option<&str> {
        self.detail.as_ref()?.text.as_deref()
    }

    /// The rule that produced the edge from this sentence.
    pub fn rule(&self) -> Option<&str> {
        self.detail.as_ref()?.rule.as_deref()
    }

    /// How a reference was resolved ("it -> China"), when one was.
    pub fn resolved(&self) -> Option<&str> {
        self.detail.as_ref()?.resolved.as_deref()
    }
}

/// The serialized form of [`Evidence`].
#[derive(Deserialize)]
struct EvidenceFields {
    doc: Arc<String>,
    sentence: usize,
    start: usize,
    end: usize,
    #[serde(default)]
    date: Option<Date>,
    #[serde(default)]
    text: Option<Arc<str>>,
    #[serde(default)]
    rule: Option<Arc<str>>,
    #[serde(default)]
    resolved: Option<String>,
}

impl From<EvidenceFields> for Evidence {
    fn from(f: EvidenceFields) -> Self {
        Evidence::new(f.doc, f.sentence, f.start, f.end)
            .with_date(f.date)
            .with_detail(f.text, f.rule, f.resolved)
    }
}

impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (text, rule, resolved) = (self.text(), self.rule(), self.resolved());
        let len = 4
            + usize::from(self.date.is_some())
            + [text, rule, resolved]
                .iter()
                .filter(|x| x.is_some())
                .count();
        let mut st = serializer.serialize_struct("Evidence", len)?;
        st.serialize_field("doc", self.doc.as_str())?;
        st.serialize_field("sentence", &self.sentence)?;
        st.serialize_field("start", &self.start)?;
        st.serialize_field("end", &self.end)?;
        match &self.date {
            Some(d) => st.serialize_field("date", d)?,
            None => st.skip_field("date")?,
        }
        for (name, value) in [("text", text), ("rule", rule), ("resolved", resolved)] {
            match value {
                Some(v) => st.serialize_field(name, v)?,
                None => st.skip_field(name)?,
            }
        }
        st.end()
    }
}

/// Status of an arms transfer, from least to most advanced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Interest,
    Negotiating,
    Agreed,
    Delivered,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Interest => "interest",
            Status::Negotiating => "negotiating",
            Status::Agreed => "agreed",
            Status::Delivered => "delivered",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "interest" => Some(Status::Interest),
            "negotiating" => Some(Status::Negotiating),
            "agreed" => Some(Status::Agreed),
            "delivered" => Some(Status::Delivered),
            _ => None,
        }
    }
}

/// A relation edge.
///
/// Serialized with the fields `source`, `target`, `relation`, `symmetric`, `weight`,
/// `evidence`, `evidence_omitted` (when not 0), `weapons`, `status` (when set), `years`,
/// `inferred`, and `first_seen`, `last_seen`, `dates` when the edge is dated.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "EdgeFields")]
pub struct Edge {
    /// The end nodes' ids and the relation name, shared (`Arc`) with every other edge of the
    /// graph that names them: a graph has few nodes and relations and many edges, and three
    /// owned strings per edge were a sixth of its memory.
    pub source: Arc<str>,
    pub target: Arc<str>,
    pub relation: Arc<str>,
    /// Symmetric relations are undirected (stored with source < target).
    pub symmetric: bool,
    /// Distinct supporting sentences.
    pub weight: u64,
    /// The first [`KnowledgeGraph::max_evidence`] supporting entries in output order (document
    /// id, sentence, span), whatever order they were read in; the rest are only counted in
    /// `evidence_omitted`.
    pub evidence: Vec<Evidence>,
    /// Entries beyond the cap: the edge has `evidence.len() + evidence_omitted` in all.
    /// Written only when some were omitted.
    pub evidence_omitted: u64,
    /// The last entry omitted (to tell a repeat of it from a new one); not written.
    last_omitted: Option<Box<Evidence>>,
    pub status: Option<Status>,
    /// True when no supporting sentence states the edge directly (gazetteer knowledge or a
    /// resolved reference was needed for every one of them).
    pub inferred: bool,
    /// Weapons, years and dates ([`Edge::weapons`], [`Edge::years`], [`Edge::dates`]).
    extra: Extra,
}

/// The parts of an [`Edge`] most edges lack: boxed, they take 8 bytes of an edge instead
/// of 88 (a quarter of a million edges at 100 MB of news, one in ten with weapons or years;
/// dates only in a dated corpus).
#[derive(Debug, Clone, Default, PartialEq)]
struct EdgeExtra {
    weapons: Vec<String>,
    years: Vec<u16>,
    /// Earliest and latest dates of the supporting documents (every entry, kept or
    /// omitted); absent when none is dated.
    first_seen: Option<Date>,
    last_seen: Option<Date>,
    /// Supporting sentences by document date, counted as `weight` is (see [`DateCounts`]):
    /// uncapped by `--max-evidence`, so counts per period stay exact.
    dates: DateCounts,
}

static NO_EXTRA: EdgeExtra = EdgeExtra {
    weapons: Vec::new(),
    years: Vec::new(),
    first_seen: None,
    last_seen: None,
    dates: DateCounts::new(),
};

/// [`EdgeExtra`], allocated on first use; absent equals empty.
#[derive(Debug, Clone, Default)]
struct Extra(Option<Box<EdgeExtra>>);

impl Extra {
    fn get(&self) -> &EdgeExtra {
        self.0.as_deref().unwrap_or(&NO_EXTRA)
    }

    fn get_mut(&mut self) -> &mut EdgeExtra {
        self.0.get_or_insert_with(Box::default)
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

/// The serialized form of [`Edge`].
#[derive(Deserialize)]
struct EdgeFields {
    source: Arc<str>,
    target: Arc<str>,
    relation: Arc<str>,
    symmetric: bool,
    weight: u64,
    evidence: Vec<Evidence>,
    #[serde(default)]
    evidence_omitted: u64,
    #[serde(default)]
    weapons: Vec<String>,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    years: Vec<u16>,
    #[serde(default)]
    inferred: bool,
    #[serde(default)]
    first_seen: Option<Date>,
    #[serde(default)]
    last_seen: Option<Date>,
    #[serde(default)]
    dates: DateCounts,
}

impl From<EdgeFields> for Edge {
    fn from(f: EdgeFields) -> Self {
        let mut e = Edge::from_parts(
            f.source,
            f.target,
            f.relation,
            f.symmetric,
            f.weight,
            f.evidence,
            f.evidence_omitted,
            EdgeFacts {
                weapons: f.weapons,
                status: f.status,
                years: f.years,
                inferred: f.inferred,
            },
        );
        e.set_time(f.first_seen, f.last_seen, f.dates);
        e
    }
}

impl Serialize for Edge {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (first, last, dates) = (self.first_seen(), self.last_seen(), self.dates());
        let len = 9
            + usize::from(self.evidence_omitted != 0)
            + usize::from(self.status.is_some())
            + usize::from(first.is_some())
            + usize::from(last.is_some())
            + usize::from(!dates.is_empty());
        let mut st = serializer.serialize_struct("Edge", len)?;
        st.serialize_field("source", &*self.source)?;
        st.serialize_field("target", &*self.target)?;
        st.serialize_field("relation", &*self.relation)?;
        st.serialize_field("symmetric", &self.symmetric)?;
        st.serialize_field("weight", &self.weight)?;
        st.serialize_field("evidence", &self.evidence)?;
        if self.evidence_omitted != 0 {
            st.serialize_field("evidence_omitted", &self.evidence_omitted)?;
        } else {
            st.skip_field("evidence_omitted")?;
        }
        st.serialize_field("weapons", self.weapons())?;
        match &self.status {
            Some(s) => st.serialize_field("status", s)?,
            None => st.skip_field("status")?,
        }
        st.serialize_field("years", self.years())?;
        st.serialize_field("inferred", &self.inferred)?;
        match &first {
            Some(d) => st.serialize_field("first_seen", d)?,
            None => st.skip_field("first_seen")?,
        }
        match &last {
            Some(d) => st.serialize_field("last_seen", d)?,
            None => st.skip_field("last_seen")?,
        }
        if dates.is_empty() {
            st.skip_field("dates")?;
        } else {
            st.serialize_field("dates", dates)?;
        }
        st.end()
    }
}

/// Add `evidence` to the edge's kept entries (sorted, at most `cap`) or count it as omitted.
fn keep_smallest(edge: &mut Edge, evidence: Evidence, cap: usize) {
    if edge.last_omitted.as_deref() == Some(&evidence) {
        return;
    }
    // Entries mostly come in output order: the common case appends or is rejected at once.
    let at = match edge.evidence.last() {
        Some(last) if *last < evidence => edge.evidence.len(),
        _ => match edge.evidence.binary_search(&evidence) {
            Ok(_) => return,
            Err(at) => at,
        },
    };
    if edge.evidence.len() < cap {
        // Grown by doubling up to the cap, from one entry: most edges keep one or two
        // entries, and `Vec`'s first allocation of four would be most of their memory.
        let len = edge.evidence.len();
        if len == edge.evidence.capacity() {
            edge.evidence.reserve_exact(len.max(1).min(cap - len));
        }
        edge.evidence.insert(at, evidence);
        return;
    }
    edge.evidence_omitted += 1;
    if at == edge.evidence.len() {
        edge.last_omitted = Some(Box::new(evidence));
    } else {
        edge.evidence.insert(at, evidence);
        edge.last_omitted = edge.evidence.pop().map(Box::new);
    }
}

/// The alias form of a surface: forms differing only in dashes, quotes or spacing are one.
pub fn alias_form(surface: &str) -> String {
    normalise_keep_case(surface)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Alias forms ordered most frequent first, then by their characters.
pub fn aliases_by_count(forms: impl IntoIterator<Item = (String, u64)>) -> Vec<String> {
    let mut v: Vec<(String, u64)> = forms.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.into_iter().map(|(s, _)| s).collect()
}

impl Edge {
    /// An edge as a graph file holds it (the readers build edges this way); `evidence_omitted`
    /// counts the entries beyond those listed.
    #[allow(clippy::too_many_arguments)]
    pub fn from_parts(
        source: impl Into<Arc<str>>,
        target: impl Into<Arc<str>>,
        relation: impl Into<Arc<str>>,
        symmetric: bool,
        weight: u64,
        evidence: Vec<Evidence>,
        evidence_omitted: u64,
        facts: EdgeFacts,
    ) -> Edge {
        let mut edge = Edge {
            source: source.into(),
            target: target.into(),
            relation: relation.into(),
            symmetric,
            weight,
            evidence,
            evidence_omitted,
            last_omitted: None,
            status: facts.status,
            inferred: facts.inferred,
            extra: Extra::default(),
        };
        if !facts.weapons.is_empty() {
            edge.extra.get_mut().weapons = facts.weapons;
        }
        if !facts.years.is_empty() {
            edge.extra.get_mut().years = facts.years;
        }
        edge
    }

    /// Weapons named by the supporting sentences, sorted.
    pub fn weapons(&self) -> &[String] {
        &self.extra.get().weapons
    }

    /// Years named by the supporting sentences, sorted.
    pub fn years(&self) -> &[u16] {
        &self.extra.get().years
    }

    /// The weapons, to change.
    pub fn weapons_mut(&mut self) -> &mut Vec<String> {
        &mut self.extra.get_mut().weapons
    }

    /// The years, to change.
    pub fn years_mut(&mut self) -> &mut Vec<u16> {
        &mut self.extra.get_mut().years
    }

    /// Earliest date of the supporting documents (every entry, kept or omitted); `None`
    /// when none is dated.
    pub fn first_seen(&self) -> Option<Date> {
        self.extra.get().first_seen
    }

    /// Latest date of the supporting documents.
    pub fn last_seen(&self) -> Option<Date> {
        self.extra.get().last_seen
    }

    /// Supporting sentences by document date, counted as `weight` is (see [`DateCounts`]):
    /// uncapped by `--max-evidence`, so counts per period stay exact.
    pub fn dates(&self) -> &DateCounts {
        &self.extra.get().dates
    }

    /// Set the dates and their span.
    pub fn set_time(&mut self, first: Option<Date>, last: Option<Date>, dates: DateCounts) {
        if first.is_none() && last.is_none() && dates.is_empty() && self.extra.0.is_none() {
            return;
        }
        let x = self.extra.get_mut();
        (x.first_seen, x.last_seen, x.dates) = (first, last, dates);
    }

    /// Set the dates, spanning the first to the last of them.
    pub fn set_dates(&mut self, dates: DateCounts) {
        let (first, last) = (
            dates.keys().next().copied(),
            dates.keys().next_back().copied(),
        );
        self.set_time(first, last, dates);
    }

    /// Every supporting entry, kept or omitted.
    pub fn evidence_total(&self) -> u64 {
        self.evidence.len() as u64 + self.evidence_omitted
    }
}

/// Evidence entries kept per edge unless `--max-evidence` says otherwise: enough to read
/// why an edge is there, while a hub edge of a large corpus (one pair named in thousands of
/// sentences) stays a few kilobytes. Weights still count every sentence.
pub const DEFAULT_MAX_EVIDENCE: usize = 20;

/// What one sentence adds to a typed edge.
#[derive(Debug, Clone, Default)]
pub struct EdgeFacts {
    pub weapons: Vec<String>,
    pub status: Option<Status>,
    pub years: Vec<u16>,
    pub inferred: bool,
}

/// Corpus-level facts recorded in the snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GraphMeta {
    pub generator: String,
    pub schema_version: u32,
    pub documents: u64,
    pub sentences: u64,
    pub duplicate_sentences: u64,
    pub skipped_lines: u64,
    pub relations: String,
}

/// A relation name interned in one [`KnowledgeGraph`] ([`KnowledgeGraph::relation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationId(u32);

/// The knowledge graph.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeGraph {
    pub graph: StableDiGraph<Node, Edge>,
    pub meta: GraphMeta,
    nodes: FxHashMap<String, NodeIndex>,
    /// Node ids by node index, shared with the edges ([`Edge::source`], [`Edge::target`]).
    node_ids: Vec<Option<Arc<str>>>,
    /// (source, relation id, target) -> edge; relation names are interned so a lookup
    /// allocates nothing.
    edges: FxHashMap<(NodeIndex, u32, NodeIndex), EdgeIndex>,
    relation_ids: FxHashMap<String, u32>,
    /// Relation names by interned id, shared with the edges ([`Edge::relation`]).
    relation_names: Vec<Arc<str>>,
    /// Evidence entries kept per edge; 0 means [`DEFAULT_MAX_EVIDENCE`].
    max_evidence: usize,
    /// The sentence and document keys an exact merge needs (`extract --mergeable`, or a
    /// graph loaded from such a snapshot); `None` in a plain extraction.
    pub merge_keys: Option<Box<crate::merge::MergeKeys>>,
}

impl KnowledgeGraph {
    pub fn new() -> Self {
        KnowledgeGraph {
            meta: GraphMeta {
                generator: format!("silkgraph {}", env!("CARGO_PKG_VERSION")),
                schema_version: 1,
                ..GraphMeta::default()
            },
            ..Default::default()
        }
    }

    /// Keep at most `n` evidence entries per edge from now on (at least one).
    pub fn set_max_evidence(&mut self, n: usize) {
        self.max_evidence = n.max(1);
    }

    /// Evidence entries kept per edge.
    pub fn max_evidence(&self) -> usize {
        match self.max_evidence {
            0 => DEFAULT_MAX_EVIDENCE,
            n => n,
        }
    }

    /// The node of `entity`, created on first use.
    pub fn node_for(&mut self, entity: &Entity) -> NodeIndex {
        if let Some(&n) = self.nodes.get(&entity.id) {
            return n;
        }
        self.insert_node(Node {
            id: entity.id.clone(),
            label: entity.name.clone(),
            etype: entity.etype,
            mentions: 0,
            documents: 0,
            source: if entity.pattern.is_some() {
                NodeSource::Pattern
            } else {
                NodeSource::Gazetteer
            },
            aliases: Vec::new(),
            first_seen: None,
            last_seen: None,
            dates: DateCounts::new(),
            last_doc: None,
            surfaces: FxHashMap::default(),
        })
    }

    /// Insert a node as it is (snapshot loading, diff union). Returns the existing index when
    /// the id is already present.
    pub fn insert_node(&mut self, node: Node) -> NodeIndex {
        if let Some(&n) = self.nodes.get(&node.id) {
            return n;
        }
        let id = node.id.clone();
        let shared: Arc<str> = id.as_str().into();
        let n = self.graph.add_node(node);
        self.nodes.insert(id, n);
        if self.node_ids.len() <= n.index() {
            self.node_ids.resize(n.index() + 1, None);
        }
        self.node_ids[n.index()] = Some(shared);
        n
    }

    /// Count a mention of `entity` in document number `doc`, written `surface`. `counted`:
    /// the sentence is the first copy of its text; `distinct_doc`: the document is not a
    /// copy of an earlier one (copies count neither mentions nor documents). Returns the node.
    pub fn count_mention(
        &mut self,
        entity: &Entity,
        surface: &str,
        doc: u32,
        counted: bool,
        distinct_doc: bool,
    ) -> NodeIndex {
        let n = self.node_for(entity);
        self.count_mention_at(n, surface, doc, counted, distinct_doc);
        n
    }

    /// [`Self::count_mention`] of a node the caller already holds.
    pub fn count_mention_at(
        &mut self,
        n: NodeIndex,
        surface: &str,
        doc: u32,
        counted: bool,
        distinct_doc: bool,
    ) {
        let node = &mut self.graph[n];
        if counted {
            node.mentions += 1;
            match node.surfaces.get_mut(surface) {
                Some(c) => *c += 1,
                None => {
                    node.surfaces.insert(surface.into(), 1);
                }
            }
        }
        if distinct_doc && node.last_doc != Some(doc) {
            node.last_doc = Some(doc);
            node.documents += 1;
        }
    }

    /// Note that node `n` is mentioned on `date`; `counted`: the first copy of the sentence
    /// on that date (see [`DateCounts`]), which adds its `mentions` to the date's count.
    pub fn date_node(&mut self, n: NodeIndex, date: Date, mentions: u64, counted: bool) {
        let node = &mut self.graph[n];
        crate::dates::note_date(
            &mut node.dates,
            &mut node.first_seen,
            &mut node.last_seen,
            date,
            if counted { mentions } else { 0 },
        );
    }

    /// Note that edge `e` is supported on `date`; `counted` as for [`Self::date_node`].
    pub fn date_edge(&mut self, e: EdgeIndex, date: Date, counted: bool) {
        let x = self.graph[e].extra.get_mut();
        crate::dates::note_date(
            &mut x.dates,
            &mut x.first_seen,
            &mut x.last_seen,
            date,
            u64::from(counted),
        );
    }

    pub fn node_index(&self, id: &str) -> Option<NodeIndex> {
        self.nodes.get(id).copied()
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.node_index(id).map(|n| &self.graph[n])
    }

    /// Add one supporting sentence to the edge (source, relation, target). `first_copy`:
    /// this is the first occurrence of the sentence's text in the corpus. Returns the edge
    /// (`None` for a self-loop, which is not added).
    #[allow(clippy::too_many_arguments)]
    pub fn add_edge(
        &mut self,
        source: &Entity,
        relation: &str,
        target: &Entity,
        symmetric: bool,
        first_copy: bool,
        evidence: Evidence,
        facts: EdgeFacts,
    ) -> Option<EdgeIndex> {
        if source.id == target.id {
            return None;
        }
        let na = self.node_for(source);
        let nb = self.node_for(target);
        let relation = self.relation(relation);
        self.add_edge_between(na, relation, nb, symmetric, first_copy, evidence, facts)
    }

    /// The interned id of a relation name, for [`Self::add_edge_between`].
    pub fn relation(&mut self, name: &str) -> RelationId {
        RelationId(self.relation_id(name))
    }

    /// [`Self::add_edge`] between nodes the caller already holds (the extraction's merge
    /// keeps the node of each entity, so a sentence's edges cost no string hashing).
    #[allow(clippy::too_many_arguments)]
    pub fn add_edge_between(
        &mut self,
        na: NodeIndex,
        relation: RelationId,
        nb: NodeIndex,
        symmetric: bool,
        first_copy: bool,
        evidence: Evidence,
        facts: EdgeFacts,
    ) -> Option<EdgeIndex> {
        if na == nb {
            return None;
        }
        let (na, nb) = if symmetric && self.graph[nb].id < self.graph[na].id {
            (nb, na)
        } else {
            (na, nb)
        };
        let key = (na, relation.0, nb);
        let e = match self.edges.get(&key) {
            Some(&e) => e,
            None => {
                let e = self.graph.add_edge(
                    na,
                    nb,
                    Edge {
                        source: self.shared_id(na),
                        target: self.shared_id(nb),
                        relation: self.relation_names[relation.0 as usize].clone(),
                        symmetric,
                        weight: 0,
                        evidence: Vec::new(),
                        evidence_omitted: 0,
                        last_omitted: None,
                        status: None,
                        inferred: true,
                        extra: Extra::default(),
                    },
                );
                self.edges.insert(key, e);
                e
            }
        };
        let cap = self.max_evidence();
        let edge = &mut self.graph[e];
        // Weight counts distinct sentences: a verbatim copy of a sentence seen before adds
        // its location to the evidence but not to the weight (unless the copy is the only
        // support, as when context made it state something its first copy did not).
        if first_copy || edge.weight == 0 {
            edge.weight += 1;
        }
        // The kept entries are the `cap` smallest in output order, whatever order they come
        // in, so partial graphs merge exactly (`crate::merge`); memory per edge is bounded
        // whatever the corpus size. One sentence adds an edge once, so a repeat can only be
        // the entry just handled: kept, or the last one omitted.
        keep_smallest(edge, evidence, cap);
        if !facts.weapons.is_empty() {
            let weapons = edge.weapons_mut();
            for w in facts.weapons {
                if !weapons.contains(&w) {
                    weapons.push(w);
                }
            }
            weapons.sort();
        }
        edge.status = edge.status.max(facts.status);
        if !facts.years.is_empty() {
            let years = edge.years_mut();
            for y in facts.years {
                if !years.contains(&y) {
                    years.push(y);
                }
            }
            years.sort_unstable();
        }
        edge.inferred &= facts.inferred;
        Some(e)
    }

    /// Insert an edge as it is (snapshot loading, diff union).
    pub fn insert_edge(&mut self, mut edge: Edge) -> Option<EdgeIndex> {
        let na = self.node_index(&edge.source)?;
        let nb = self.node_index(&edge.target)?;
        let r = self.relation_id(&edge.relation);
        let key = (na, r, nb);
        if let Some(&e) = self.edges.get(&key) {
            return Some(e);
        }
        // The graph's own copies of the names, so a loaded graph shares them as an
        // extracted one does.
        edge.source = self.shared_id(na);
        edge.target = self.shared_id(nb);
        edge.relation = self.relation_names[r as usize].clone();
        let e = self.graph.add_edge(na, nb, edge);
        self.edges.insert(key, e);
        Some(e)
    }

    pub fn edge(&self, source: &str, relation: &str, target: &str) -> Option<&Edge> {
        self.edge_index(source, relation, target)
            .map(|e| &self.graph[e])
    }

    pub fn edge_index(&self, source: &str, relation: &str, target: &str) -> Option<EdgeIndex> {
        let na = self.node_index(source)?;
        let nb = self.node_index(target)?;
        let r = *self.relation_ids.get(relation)?;
        self.edges.get(&(na, r, nb)).copied()
    }

    fn relation_id(&mut self, relation: &str) -> u32 {
        if let Some(&r) = self.relation_ids.get(relation) {
            return r;
        }
        let r = self.relation_ids.len() as u32;
        self.relation_ids.insert(relation.to_string(), r);
        self.relation_names.push(relation.into());
        r
    }

    /// The shared id of node `n` (which is in the graph).
    fn shared_id(&self, n: NodeIndex) -> Arc<str> {
        match self.node_ids.get(n.index()) {
            Some(Some(id)) => id.clone(),
            _ => self.graph[n].id.as_str().into(),
        }
    }

    /// Drop co-occurrence edges lighter than `min_weight`, and nodes left without edges only
    /// when `drop_isolated` is set.
    pub fn retain_edges(&mut self, mut keep: impl FnMut(&Edge) -> bool) {
        let gone: Vec<EdgeIndex> = self
            .graph
            .edge_indices()
            .filter(|&e| !keep(&self.graph[e]))
            .collect();
        for e in gone {
            if let Some(edge) = self.graph.remove_edge(e) {
                let na = self.nodes[&*edge.source];
                let nb = self.nodes[&*edge.target];
                let r = self.relation_ids[&*edge.relation];
                self.edges.remove(&(na, r, nb));
            }
        }
    }

    /// Drop nodes without any edge (`extract --relations typed`: the entities no typed
    /// relation names). Returns how many were dropped.
    pub fn remove_isolated(&mut self) -> usize {
        let gone: Vec<NodeIndex> = self
            .graph
            .node_indices()
            .filter(|&n| self.graph.neighbors_undirected(n).next().is_none())
            .collect();
        for &n in &gone {
            if let Some(node) = self.graph.remove_node(n) {
                self.nodes.remove(&node.id);
                self.node_ids[n.index()] = None;
            }
        }
        gone.len()
    }

    /// Nodes sorted by id: the order every exporter writes.
    pub fn sorted_nodes(&self) -> Vec<&Node> {
        let mut v: Vec<&Node> = self.graph.node_weights().collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    /// Edges sorted by (source, relation, target), evidence sorted: the export order.
    pub fn sorted_edges(&self) -> Vec<&Edge> {
        use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};
        // Sorting by the ranks of the names is the same order as by the names, without
        // comparing strings n log n times (a quarter of a million edges at 100 MB of news).
        let mut node_rank = vec![u32::MAX; self.graph.node_bound()];
        let mut ids: Vec<(&str, NodeIndex)> = self
            .graph
            .node_indices()
            .map(|n| (self.graph[n].id.as_str(), n))
            .collect();
        ids.sort_unstable();
        let by_names = || {
            let mut v: Vec<&Edge> = self.graph.edge_weights().collect();
            v.sort_by(|a, b| {
                (&a.source, &a.relation, &a.target).cmp(&(&b.source, &b.relation, &b.target))
            });
            v
        };
        // Two nodes of one id (a graph built by hand) rank as one name: compare names.
        if ids.windows(2).any(|w| w[0].0 == w[1].0) {
            return by_names();
        }
        for (rank, (_, n)) in ids.into_iter().enumerate() {
            node_rank[n.index()] = rank as u32;
        }
        let mut relations: Vec<&str> = Vec::new();
        for e in (&self.graph).edge_references() {
            let w = e.weight();
            // Edges are keyed by their end nodes' ids; one that is not (built by hand) falls
            // back to comparing names.
            if *self.graph[e.source()].id != *w.source || *self.graph[e.target()].id != *w.target {
                return by_names();
            }
            if !relations.contains(&&*w.relation) {
                relations.push(&w.relation);
            }
        }
        relations.sort_unstable();
        // One vector of keys, turned in place into the result: at a million edges the
        // export's peak memory is the graph plus 24 bytes an edge.
        let mut v: Vec<(u32, u32, u32, &Edge)> = (&self.graph)
            .edge_references()
            .map(|e| {
                let w = e.weight();
                let r = relations.binary_search(&&*w.relation).unwrap_or(0) as u32;
                (
                    node_rank[e.source().index()],
                    r,
                    node_rank[e.target().index()],
                    w,
                )
            })
            .collect();
        // Stable: edges of one (source, relation, target) keep their order, as by names.
        v.sort_by_key(|&(s, r, t, _)| (s, r, t));
        v.into_iter().map(|(_, _, _, w)| w).collect()
    }

    /// Sort evidence lists so output does not depend on processing order, and turn the
    /// surface counts of nodes into their `aliases`.
    pub fn normalise(&mut self) {
        for e in self.graph.edge_weights_mut() {
            e.evidence.sort();
        }
        for n in self.graph.node_weights_mut() {
            if n.surfaces.is_empty() {
                continue;
            }
            let mut forms: FxHashMap<String, u64> = FxHashMap::default();
            for (s, c) in n.surfaces.drain() {
                *forms.entry(alias_form(&s)).or_default() += c;
            }
            for a in n.aliases.drain(..) {
                forms.entry(a).or_default();
            }
            n.aliases = aliases_by_count(forms);
        }
    }

    /// An estimate of the heap the graph holds, in bytes: its structs, strings, evidence
    /// and indexes at their allocated capacities (a sentence's text shared by several
    /// evidence entries counts once; allocator overhead is not counted). What extraction
    /// holds beyond it is the start-up data, the sentence keys and the documents in flight.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let s = |x: &String| x.capacity();
        let dates = |d: &DateCounts| d.len() * (size_of::<Date>() + size_of::<u64>()) * 3 / 2;
        let mut total = self.graph.node_count() * (size_of::<Node>() + 16)
            + self.graph.edge_count() * (size_of::<Edge>() + 16);
        for n in self.graph.node_weights() {
            total += s(&n.id) + s(&n.label) + dates(&n.dates);
            total += n.aliases.iter().map(|a| a.capacity() + 24).sum::<usize>();
            total += n.surfaces.keys().map(|k| k.len() + 24 + 8).sum::<usize>();
        }
        for e in self.graph.edge_weights() {
            total += e.evidence.capacity() * size_of::<Evidence>();
            if let Some(x) = &e.extra.0 {
                total += size_of::<EdgeExtra>() + dates(&x.dates);
                total += x.weapons.iter().map(|w| w.capacity() + 24).sum::<usize>();
                total += x.years.capacity() * 2;
            }
            for ev in e.evidence.iter().chain(e.last_omitted.as_deref()) {
                if let Some(d) = &ev.detail {
                    total += size_of::<EvidenceDetail>();
                    total += d.resolved.as_ref().map_or(0, |r| r.len());
                    for t in d.text.iter().chain(&d.rule) {
                        total += t.len() / Arc::strong_count(t).max(1);
                    }
                }
            }
            if e.last_omitted.is_some() {
                total += size_of::<Evidence>();
            }
        }
        // The shared names (node ids, relation names): once each, with their counts.
        let arc = |x: &Arc<str>| x.len() + 16;
        total += self.node_ids.capacity() * size_of::<Option<Arc<str>>>()
            + self.node_ids.iter().flatten().map(arc).sum::<usize>();
        total += self.relation_names.iter().map(arc).sum::<usize>();
        // Hash indexes: entry plus control byte, at the table's capacity.
        total +=
            self.edges.capacity() * (size_of::<((NodeIndex, u32, NodeIndex), EdgeIndex)>() + 1);
        total += self.nodes.capacity() * (size_of::<(String, NodeIndex)>() + 1)
            + self.nodes.keys().map(String::capacity).sum::<usize>();
        total
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Edges touching `id`, in either direction.
    pub fn edges_of(&self, id: &str) -> Vec<&Edge> {
        let Some(n) = self.node_index(id) else {
            return Vec::new();
        };
        let mut v: Vec<&Edge> = self
            .graph
            .edges_directed(n, petgraph::Direction::Outgoing)
            .chain(self.graph.edges_directed(n, petgraph::Direction::Incoming))
            .map(|e| e.weight())
            .collect();
        v.sort_by(|a, b| {
            (&a.source, &a.relation, &a.target).cmp(&(&b.source, &b.relation, &b.target))
        });
        v.dedup_by(|a, b| std::ptr::eq(*a, *b));
        v
    }

    /// Relations present, sorted.
    pub fn relations(&self) -> BTreeSet<&str> {
        self.graph.edge_weights().map(|e| &*e.relation).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::{Gazetteer, SourceFile};

    fn gaz() -> Gazetteer {
        Gazetteer::from_sources(&[SourceFile {
            name: "t.toml".into(),
            text: "[[entity]]\nid = \"country:a\"\ntype = \"country\"\nname = \"Aland\"\n\n[[entity]]\nid = \"country:b\"\ntype = \"country\"\nname = \"Bland\"\n".into(),
        }])
        .unwrap()
    }

    fn ev(doc: &str, s: usize) -> Evidence {
        Evidence::new(Arc::new(doc.to_string()), s, 0, 1)
    }

    /// Evidence keeps its JSON form, and an entry without detail equals one built bare.
    #[test]
    fn evidence_serializes_its_fields_and_round_trips() {
        let bare = ev("a.txt", 3);
        let json = serde_json::to_string(&bare).unwrap();
        assert_eq!(json, r#"{"doc":"a.txt","sentence":3,"start":0,"end":1}"#);
        let typed = ev("a.txt", 3).with_detail(Some("S.".into()), Some("r".into()), None);
        let json = serde_json::to_string(&typed).unwrap();
        assert_eq!(
            json,
            r#"{"doc":"a.txt","sentence":3,"start":0,"end":1,"text":"S.","rule":"r"}"#
        );
        assert_eq!(serde_json::from_str::<Evidence>(&json).unwrap(), typed);
        assert_eq!(ev("a.txt", 3).with_detail(None, None, None), bare);
        // Ordered as the fields: a bare entry before one with detail, then by text, rule.
        let no_text = ev("a.txt", 3).with_detail(None, Some("r".into()), None);
        let mut v = vec![typed.clone(), no_text.clone(), bare.clone()];
        v.sort();
        assert_eq!(v, vec![bare, no_text, typed]);
    }

    /// The layout the memory figures rest on (64-bit targets): a byte more per edge or entry
    /// is megabytes on a large corpus (1 GB of news: half a million edges, 1.1 M entries).
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn edges_and_evidence_stay_small() {
        use std::mem::size_of;
        assert!(size_of::<Edge>() <= 112, "Edge: {} B", size_of::<Edge>());
        assert!(
            size_of::<Evidence>() <= 48,
            "Evidence: {} B",
            size_of::<Evidence>()
        );
        assert!(size_of::<EvidenceDetail>() <= 48);
    }

    /// Edges share their end nodes' ids and relation name, built or inserted; an edge with
    /// an empty box of extras equals one without.
    #[test]
    fn edges_share_names_and_extras_compare_by_value() {
        let g = gaz();
        let (a, b) = (
            g.entity(g.get("country:a").unwrap()),
            g.entity(g.get("country:b").unwrap()),
        );
        let mut kg = KnowledgeGraph::new();
        kg.add_edge(a, "r", b, false, true, ev("d", 0), EdgeFacts::default());
        kg.add_edge(b, "r", a, false, true, ev("d", 1), EdgeFacts::default());
        let loaded = Edge::from_parts(
            "country:a",
            "country:b",
            "s",
            false,
            1,
            vec![],
            0,
            EdgeFacts::default(),
        );
        let e = kg.insert_edge(loaded.clone()).unwrap();
        let ab = kg.edge("country:a", "r", "country:b").unwrap();
        let ba = kg.edge("country:b", "r", "country:a").unwrap();
        assert!(Arc::ptr_eq(&ab.source, &ba.target) && Arc::ptr_eq(&ab.relation, &ba.relation));
        assert!(Arc::ptr_eq(&kg.graph[e].source, &ab.source));
        assert_eq!(kg.graph[e], loaded);
        let mut touched = loaded.clone();
        touched.weapons_mut();
        touched.set_dates(DateCounts::new());
        assert_eq!(touched, loaded);
        touched.years_mut().push(2024);
        assert_ne!(touched, loaded);
    }

    /// Past the cap, entries are counted, not kept; a repeat of the last one is not counted.
    #[test]
    fn evidence_is_capped_and_counted() {
        let g = gaz();
        let (a, b) = (
            g.entity(g.get("country:a").unwrap()),
            g.entity(g.get("country:b").unwrap()),
        );
        let mut kg = KnowledgeGraph::new();
        kg.set_max_evidence(2);
        for s in [0, 1, 1, 2, 3, 3, 4] {
            kg.add_edge(a, "r", b, false, true, ev("d", s), EdgeFacts::default());
        }
        let e = kg.edge("country:a", "r", "country:b").unwrap();
        assert_eq!(e.weight, 7);
        assert_eq!(e.evidence, vec![ev("d", 0), ev("d", 1)]);
        assert_eq!(e.evidence_omitted, 3);
        assert_eq!(e.evidence_total(), 5);
        let json = serde_json::to_value(e).unwrap();
        assert_eq!(json["evidence_omitted"], 3);
        assert_eq!(
            serde_json::from_value::<Edge>(json)
                .unwrap()
                .evidence_omitted,
            3
        );
    }

    #[test]
    fn duplicate_sentences_add_evidence_not_weight() {
        let g = gaz();
        let (a, b) = (
            g.entity(g.get("country:a").unwrap()),
            g.entity(g.get("country:b").unwrap()),
        );
        let mut kg = KnowledgeGraph::new();
        kg.add_edge(
            b,
            CO_OCCURS_WITH,
            a,
            true,
            true,
            ev("d1", 0),
            EdgeFacts::default(),
        );
        kg.add_edge(
            a,
            CO_OCCURS_WITH,
            b,
            true,
            false,
            ev("d2", 3),
            EdgeFacts::default(),
        );
        kg.add_edge(
            a,
            CO_OCCURS_WITH,
            b,
            true,
            true,
            ev("d2", 4),
            EdgeFacts::default(),
        );
        assert_eq!(kg.edge_count(), 1);
        let e = kg.edge("country:a", CO_OCCURS_WITH, "country:b").unwrap();
        assert_eq!(e.weight, 2);
        assert_eq!(e.evidence.len(), 3);
    }
}
