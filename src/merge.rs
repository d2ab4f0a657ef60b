//! Exact merge of graphs extracted from disjoint parts of a corpus.
//!
//! `extract --mergeable` keeps, beside the graph, what deduplication across parts needs: for
//! every edge the keys of its supporting sentences, for every node the keys of the sentences
//! mentioning it (per alias form, with the number of mentions) and of the documents naming
//! it. A sentence key hashes the sentence's folded text *and* what was found in it (entities
//! with their surface forms, typed relation hits), so every copy of a key adds exactly the
//! same things to the graph, and "count each key once" is the same whichever copy comes
//! first. Counts are then set functions: weight = distinct keys of an edge, mentions = sum
//! over a node's distinct keys, documents = distinct document keys; kept evidence is the
//! `max_evidence` smallest entries in output order. Sets union and minima commute, so any
//! split, order and reduce tree gives the graph of the whole corpus.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use rustc_hash::{FxHashMap, FxHasher};
use serde::{Deserialize, Serialize};

use crate::dates::Date;
use crate::error::{Error, Result};
use crate::graph::{
    alias_form, aliases_by_count, Edge, KnowledgeGraph, NodeSource, CO_OCCURS_WITH,
};
use crate::pipeline::{ExtractOptions, RelationMode};

/// Version of the `merge` section of a JSON snapshot.
pub const MERGE_FORMAT: u32 = 1;

/// The extraction options a merge must agree on and applies when it finishes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeOptions {
    pub relations: String,
    pub min_weight: u64,
    pub max_evidence: usize,
    pub keep_isolated: bool,
    pub part_bytes: usize,
    /// The date window and file-name dates: parts must agree on which documents count and
    /// how they are dated. Absent (and not hashed) when unset, so undated options keep their
    /// fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub date_from_filename: bool,
}

impl MergeOptions {
    pub fn of(options: &ExtractOptions) -> Self {
        MergeOptions {
            relations: options.relations.as_str().to_string(),
            min_weight: options.min_weight,
            max_evidence: options
                .max_evidence
                .unwrap_or(crate::graph::DEFAULT_MAX_EVIDENCE)
                .max(1),
            keep_isolated: options.keep_isolated,
            part_bytes: options.part_bytes.unwrap_or(crate::corpus::PART_BYTES),
            since: options.since,
            until: options.until,
            date_from_filename: options.date_from_filename,
        }
    }
}

/// Sentence keys of one node: per alias form, (sentence key, mentions in it); and the keys of
/// the documents that mention it.
#[derive(Debug, Clone, Default)]
struct NodeKeys {
    forms: BTreeMap<String, Vec<(u64, u32)>>,
    docs: Vec<u64>,
    /// Per date, (sentence key, mentions in it) of the first copy on that date.
    dated: BTreeMap<Date, Vec<(u64, u32)>>,
}

/// What an exact merge needs beyond the graph (see the module documentation).
#[derive(Debug, Clone, Default)]
pub struct MergeKeys {
    /// Hash of the gazetteer, rule files, program version and [`MergeOptions`]; snapshots
    /// merge only with snapshots of the same fingerprint.
    pub fingerprint: String,
    pub options: MergeOptions,
    /// Sentences naming an entity, copies included (duplicates = this minus distinct keys).
    pub sentences_with_mentions: u64,
    nodes: FxHashMap<NodeIndex, NodeKeys>,
    edges: FxHashMap<EdgeIndex, Vec<u64>>,
    /// Per edge and date, the keys of the sentences supporting it on that date.
    edge_dates: FxHashMap<EdgeIndex, BTreeMap<Date, Vec<u64>>>,
    /// Labels of found entities in the parts merged so far, to rename their resolutions
    /// once the label is settled (not written).
    labels: FxHashMap<NodeIndex, Vec<String>>,
}

impl MergeKeys {
    pub fn new(fingerprint: String, options: MergeOptions) -> Self {
        MergeKeys {
            fingerprint,
            options,
            ..Default::default()
        }
    }

    /// A mention of node `n` written `surface` in the first copy of sentence `key`.
    pub fn mention(&mut self, n: NodeIndex, surface: &str, key: u64) {
        let list = self
            .nodes
            .entry(n)
            .or_default()
            .forms
            .entry(alias_form(surface))
            .or_default();
        match list.last_mut() {
            Some((k, c)) if *k == key => *c += 1,
            _ => list.push((key, 1)),
        }
    }

    /// Sentence `key` (its first copy) supports edge `e`.
    pub fn support(&mut self, e: EdgeIndex, key: u64) {
        let list = self.edges.entry(e).or_default();
        if list.last() != Some(&key) {
            list.push(key);
        }
    }

    /// A mention of node `n` in the first copy of sentence `key` on `date`.
    pub fn mention_on(&mut self, n: NodeIndex, key: u64, date: Date) {
        let list = self
            .nodes
            .entry(n)
            .or_default()
            .dated
            .entry(date)
            .or_default();
        match list.last_mut() {
            Some((k, c)) if *k == key => *c += 1,
            _ => list.push((key, 1)),
        }
    }

    /// Sentence `key` (its first copy on `date`) supports edge `e`.
    pub fn support_on(&mut self, e: EdgeIndex, key: u64, date: Date) {
        let list = self
            .edge_dates
            .entry(e)
            .or_default()
            .entry(date)
            .or_default();
        if list.last() != Some(&key) {
            list.push(key);
        }
    }

    /// Node `n` is named in the first copy of the document `key`.
    pub fn document(&mut self, n: NodeIndex, key: u64) {
        self.nodes.entry(n).or_default().docs.push(key);
    }
}

/// The fingerprint of a pipeline (see [`crate::pipeline::Pipeline::fingerprint`]) with
/// extraction options.
pub fn fingerprint(pipeline: u64, options: &MergeOptions) -> String {
    let mut h = FxHasher::default();
    pipeline.hash(&mut h);
    serde_json::to_string(options)
        .expect("options serialise")
        .hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Merge mergeable graphs (from `extract --mergeable` or earlier merges) into the graph of
/// their union; the result is mergeable again. See [`finish`] for the plain graph.
pub fn merge(graphs: impl IntoIterator<Item = KnowledgeGraph>) -> Result<KnowledgeGraph> {
    let mut m = Merger::default();
    for g in graphs {
        m.add(g)?;
    }
    m.finish()
}

/// Drop the merge keys and apply the options extraction applies at its end (`--min-weight`,
/// `--relations typed` without `--keep-isolated`): the graph `extract` writes.
pub fn finish(g: &mut KnowledgeGraph) {
    let Some(keys) = g.merge_keys.take() else {
        return;
    };
    let o = &keys.options;
    if o.min_weight > 1 {
        let min = o.min_weight;
        g.retain_edges(|e| &*e.relation != CO_OCCURS_WITH || e.weight >= min);
    }
    if o.relations == RelationMode::Typed.as_str() && !o.keep_isolated {
        g.remove_isolated();
    }
}

/// A merge that takes graphs one at a time (memory: the merged graph and its keys).
#[derive(Default)]
pub struct Merger {
    acc: Option<KnowledgeGraph>,
}

impl Merger {
    /// Add one mergeable graph.
    pub fn add(&mut self, g: KnowledgeGraph) -> Result<()> {
        let Some(keys) = g.merge_keys.as_deref() else {
            return Err(Error::Invalid(
                "the graph has no merge keys: extract it with --mergeable".into(),
            ));
        };
        let Some(acc) = self.acc.as_mut() else {
            self.acc = Some(g);
            return Ok(());
        };
        let have = acc.merge_keys.as_deref().expect("checked when added");
        if have.fingerprint != keys.fingerprint {
            return Err(Error::Invalid(format!(
                "fingerprint {} differs from {}: the graphs were extracted with different gazetteers, rules, program versions or options",
                keys.fingerprint, have.fingerprint
            )));
        }
        absorb(acc, g);
        Ok(())
    }

    /// The merged graph, mergeable again.
    pub fn finish(self) -> Result<KnowledgeGraph> {
        let mut g = self
            .acc
            .ok_or_else(|| Error::Invalid("nothing to merge".into()))?;
        settle(&mut g);
        Ok(g)
    }
}

/// Add `g` to `acc` (same fingerprint): key lists are appended, deduplicated by [`settle`].
fn absorb(acc: &mut KnowledgeGraph, mut g: KnowledgeGraph) {
    let mut gk = g.merge_keys.take().expect("checked");
    let cap = gk.options.max_evidence;
    let m = &mut acc.meta;
    m.documents += g.meta.documents;
    m.sentences += g.meta.sentences;
    m.skipped_lines += g.meta.skipped_lines;
    let mut node_map: FxHashMap<NodeIndex, NodeIndex> = FxHashMap::default();
    for n in g.graph.node_indices() {
        let node = &g.graph[n];
        let an = match acc.node_index(&node.id) {
            Some(an) => {
                // A found entity's label is chosen among every name it was found under
                // (`Gazetteer::found_label`): here, among the parts' choices.
                let a = &mut acc.graph[an];
                if node.source == NodeSource::Pattern && node.label != a.label {
                    let labels = acc
                        .merge_keys
                        .as_deref_mut()
                        .expect("checked")
                        .labels
                        .entry(an)
                        .or_default();
                    labels.push(a.label.clone());
                    labels.push(node.label.clone());
                    if found_label_rank(&node.label) < found_label_rank(&a.label) {
                        a.label = node.label.clone();
                    }
                }
                an
            }
            None => acc.insert_node(node.clone()),
        };
        node_map.insert(n, an);
        if let Some(nk) = gk.nodes.remove(&n) {
            let ak = acc
                .merge_keys
                .as_deref_mut()
                .expect("checked")
                .nodes
                .entry(an)
                .or_default();
            ak.docs.extend(nk.docs);
            for (form, list) in nk.forms {
                ak.forms.entry(form).or_default().extend(list);
            }
            for (date, list) in nk.dated {
                ak.dated.entry(date).or_default().extend(list);
            }
        }
    }
    for e in g.graph.edge_indices() {
        let edge = &g.graph[e];
        let ae = match acc.edge_index(&edge.source, &edge.relation, &edge.target) {
            Some(ae) => {
                combine(&mut acc.graph[ae], edge, cap);
                ae
            }
            None => acc
                .insert_edge(edge.clone())
                .expect("both ends were inserted above"),
        };
        if let Some(dated) = gk.edge_dates.remove(&e) {
            let ad = acc
                .merge_keys
                .as_deref_mut()
                .expect("checked")
                .edge_dates
                .entry(ae)
                .or_default();
            for (date, list) in dated {
                ad.entry(date).or_default().extend(list);
            }
        }
        if let Some(list) = gk.edges.remove(&e) {
            acc.merge_keys
                .as_deref_mut()
                .expect("checked")
                .edges
                .entry(ae)
                .or_default()
                .extend(list);
        }
    }
    acc.merge_keys
        .as_deref_mut()
        .expect("checked")
        .sentences_with_mentions += gk.sentences_with_mentions;
}

/// In the evidence of the edges of node `n`, write `to` for the name `from` in resolutions
/// (`"it -> NAME"`, `"they -> A and B"`), keeping evidence sorted.
pub(crate) fn rename_resolved(g: &mut KnowledgeGraph, n: NodeIndex, from: &str, to: &str) {
    use petgraph::visit::EdgeRef;
    let edges: Vec<EdgeIndex> = g
        .graph
        .edges_directed(n, petgraph::Direction::Outgoing)
        .chain(g.graph.edges_directed(n, petgraph::Direction::Incoming))
        .map(|e| e.id())
        .collect();
    for e in edges {
        let edge = &mut g.graph[e];
        let mut changed = false;
        for ev in edge.evidence.iter_mut() {
            let Some((word, names)) = ev.resolved().and_then(|r| r.split_once(" -> ")) else {
                continue;
            };
            if !names.split(" and ").any(|x| x == from) {
                continue;
            }
            let names: Vec<&str> = names
                .split(" and ")
                .map(|x| if x == from { to } else { x })
                .collect();
            let resolved = format!("{word} -> {}", names.join(" and "));
            let (text, rule) = (ev.text().map(Into::into), ev.rule().map(Into::into));
            *ev = crate::graph::Evidence::new(ev.doc.clone(), ev.sentence, ev.start, ev.end)
                .with_detail(text, rule, Some(resolved));
            changed = true;
        }
        if changed {
            edge.evidence.sort();
        }
    }
}

/// The order of `Gazetteer::found_label`: fewest capitals, then the smallest.
fn found_label_rank(label: &str) -> (usize, &str) {
    (label.chars().filter(|c| c.is_uppercase()).count(), label)
}

/// Fold edge `b` into `a` (the same edge of another part): everything but the weight, which
/// [`settle`] counts from the keys.
fn combine(a: &mut Edge, b: &Edge, cap: usize) {
    let total = a.evidence_total() + b.evidence_total();
    let mut ev = std::mem::take(&mut a.evidence);
    ev.extend(b.evidence.iter().cloned());
    ev.sort();
    let before = ev.len();
    ev.dedup();
    let total = total - (before - ev.len()) as u64;
    ev.truncate(cap);
    a.evidence_omitted = total - ev.len() as u64;
    a.evidence = ev;
    if !b.weapons().is_empty() {
        let weapons = a.weapons_mut();
        weapons.extend(b.weapons().iter().cloned());
        weapons.sort();
        weapons.dedup();
    }
    a.status = a.status.max(b.status);
    if !b.years().is_empty() {
        let years = a.years_mut();
        years.extend(b.years().iter().copied());
        years.sort_unstable();
        years.dedup();
    }
    a.inferred &= b.inferred;
}

/// Deduplicate the key lists and set the counts they determine.
fn settle(g: &mut KnowledgeGraph) {
    let mut keys = g.merge_keys.take().expect("a merged graph has keys");
    let mut distinct: Vec<u64> = Vec::new();
    for (&n, nk) in keys.nodes.iter_mut() {
        nk.docs.sort_unstable();
        nk.docs.dedup();
        let mut mentions = 0;
        let mut forms = Vec::with_capacity(nk.forms.len());
        for (form, list) in nk.forms.iter_mut() {
            // Copies of one key carry the same count (the key hashes what was found).
            list.sort_unstable();
            list.dedup_by_key(|(k, _)| *k);
            let c: u64 = list.iter().map(|&(_, c)| c as u64).sum();
            mentions += c;
            distinct.extend(list.iter().map(|&(k, _)| k));
            forms.push((form.clone(), c));
        }
        let node = &mut g.graph[n];
        node.dates.clear();
        for (&date, list) in nk.dated.iter_mut() {
            list.sort_unstable();
            list.dedup_by_key(|(k, _)| *k);
            node.dates
                .insert(date, list.iter().map(|&(_, c)| c as u64).sum());
        }
        node.first_seen = node.dates.keys().next().copied();
        node.last_seen = node.dates.keys().next_back().copied();
        node.mentions = mentions;
        node.documents = nk.docs.len() as u64;
        node.aliases = aliases_by_count(forms);
    }
    for (&e, list) in keys.edges.iter_mut() {
        list.sort_unstable();
        list.dedup();
        g.graph[e].weight = list.len() as u64;
    }
    for (&e, dated) in keys.edge_dates.iter_mut() {
        let mut dates = crate::dates::DateCounts::new();
        for (&date, list) in dated.iter_mut() {
            list.sort_unstable();
            list.dedup();
            dates.insert(date, list.len() as u64);
        }
        g.graph[e].set_dates(dates);
    }
    for (n, labels) in std::mem::take(&mut keys.labels) {
        let label = g.graph[n].label.clone();
        let mut labels = labels;
        labels.sort();
        labels.dedup();
        for from in labels.iter().filter(|l| **l != label) {
            rename_resolved(g, n, from, &label);
        }
    }
    distinct.sort_unstable();
    distinct.dedup();
    g.meta.duplicate_sentences = keys.sentences_with_mentions - distinct.len() as u64;
    g.merge_keys = Some(keys);
}

// ------------------------------------------------------------------ JSON snapshot section

/// The `merge` section of a JSON snapshot: node and edge entries in the order of the
/// snapshot's `nodes` and `edges`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct MergeSection {
    format: u32,
    fingerprint: String,
    options: MergeOptions,
    sentences_with_mentions: u64,
    /// Per node: `forms` maps an alias form to its sentence keys, `docs` lists document keys.
    nodes: Vec<NodeSection>,
    /// Per edge: its sentence keys.
    edges: Vec<String>,
    /// Per edge, in a dated graph: per date, the keys of its supporting sentences on that
    /// date (absent in an undated graph).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    edge_dates: Vec<BTreeMap<Date, String>>,
}

#[derive(Debug, Serialize, Deserialize)]
struct NodeSection {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    forms: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    docs: String,
    /// Per date: the keys of the sentences mentioning the node on that date, with counts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    dated: BTreeMap<Date, String>,
}

/// Keys as 16 hex digits each, space-separated; `*N` after a key gives a count above 1.
fn encode(keys: impl IntoIterator<Item = (u64, u32)>) -> String {
    let mut s = String::new();
    for (k, c) in keys {
        if !s.is_empty() {
            s.push(' ');
        }
        let _ = write!(s, "{k:016x}");
        if c != 1 {
            let _ = write!(s, "*{c}");
        }
    }
    s
}

/// Keys sorted and deduplicated (lists of a graph being extracted are in corpus order), so a
/// snapshot does not depend on the order its documents were read in.
fn sorted(keys: impl IntoIterator<Item = (u64, u32)>) -> Vec<(u64, u32)> {
    let mut v: Vec<(u64, u32)> = keys.into_iter().collect();
    v.sort_unstable();
    v.dedup_by_key(|(k, _)| *k);
    v
}

fn decode(s: &str) -> std::result::Result<Vec<(u64, u32)>, String> {
    s.split_ascii_whitespace()
        .map(|t| {
            let (k, c) = match t.split_once('*') {
                Some((k, c)) => (
                    k,
                    c.parse::<u32>()
                        .map_err(|_| format!("bad count in {t:?}"))?,
                ),
                None => (t, 1),
            };
            if k.len() != 16 || c == 0 {
                return Err(format!("bad key {t:?}"));
            }
            let k = u64::from_str_radix(k, 16).map_err(|_| format!("bad key {t:?}"))?;
            Ok((k, c))
        })
        .collect()
}

impl MergeSection {
    /// The section of `g` for nodes and edges in the order given.
    pub(crate) fn of(g: &KnowledgeGraph, nodes: &[&str], edges: &[&Edge]) -> Option<Self> {
        let keys = g.merge_keys.as_deref()?;
        let edges_in = edges;
        let nodes = nodes
            .iter()
            .map(|id| {
                let nk = g.node_index(id).and_then(|n| keys.nodes.get(&n));
                NodeSection {
                    forms: nk
                        .map(|nk| {
                            nk.forms
                                .iter()
                                .map(|(f, l)| (f.clone(), encode(sorted(l.iter().copied()))))
                                .collect()
                        })
                        .unwrap_or_default(),
                    docs: nk
                        .map(|nk| encode(sorted(nk.docs.iter().map(|&d| (d, 1)))))
                        .unwrap_or_default(),
                    dated: nk
                        .map(|nk| {
                            nk.dated
                                .iter()
                                .map(|(&d, l)| (d, encode(sorted(l.iter().copied()))))
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect();
        let edges = edges
            .iter()
            .map(|e| {
                g.edge_index(&e.source, &e.relation, &e.target)
                    .and_then(|i| keys.edges.get(&i))
                    .map(|l| encode(sorted(l.iter().map(|&k| (k, 1)))))
                    .unwrap_or_default()
            })
            .collect();
        let mut edge_dates: Vec<BTreeMap<Date, String>> = edges_in
            .iter()
            .map(|e| {
                g.edge_index(&e.source, &e.relation, &e.target)
                    .and_then(|i| keys.edge_dates.get(&i))
                    .map(|dated| {
                        dated
                            .iter()
                            .map(|(&d, l)| (d, encode(sorted(l.iter().map(|&k| (k, 1))))))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        if edge_dates.iter().all(BTreeMap::is_empty) {
            edge_dates.clear();
        }
        Some(MergeSection {
            format: MERGE_FORMAT,
            fingerprint: keys.fingerprint.clone(),
            options: keys.options.clone(),
            sentences_with_mentions: keys.sentences_with_mentions,
            nodes,
            edges,
            edge_dates,
        })
    }

    /// Attach the section to `g`, loaded from the same file: `nodes` and `edges` are the
    /// file's node ids and edge (source, relation, target) in file order.
    pub(crate) fn attach(
        self,
        g: &mut KnowledgeGraph,
        nodes: &[String],
        edges: &[(String, String, String)],
    ) -> std::result::Result<(), String> {
        if self.format != MERGE_FORMAT {
            return Err(format!(
                "merge section format {} is not the format this build reads ({MERGE_FORMAT})",
                self.format
            ));
        }
        if self.nodes.len() != nodes.len() || self.edges.len() != edges.len() {
            return Err(format!(
                "the merge section lists {} nodes and {} edges, the graph {} and {}",
                self.nodes.len(),
                self.edges.len(),
                nodes.len(),
                edges.len()
            ));
        }
        let mut keys = MergeKeys::new(self.fingerprint, self.options);
        keys.sentences_with_mentions = self.sentences_with_mentions;
        for (id, ns) in nodes.iter().zip(self.nodes) {
            let n = g.node_index(id).ok_or_else(|| format!("no node {id}"))?;
            let mut nk = NodeKeys {
                docs: decode(&ns.docs)
                    .map_err(|e| format!("node {id}: {e}"))?
                    .into_iter()
                    .map(|(k, _)| k)
                    .collect(),
                ..Default::default()
            };
            for (form, list) in ns.forms {
                let list = decode(&list).map_err(|e| format!("node {id}: {e}"))?;
                nk.forms.insert(form, list);
            }
            for (date, list) in ns.dated {
                let list = decode(&list).map_err(|e| format!("node {id}: {e}"))?;
                nk.dated.insert(date, list);
            }
            if !nk.docs.is_empty() || !nk.forms.is_empty() {
                keys.nodes.insert(n, nk);
            }
        }
        if !self.edge_dates.is_empty() && self.edge_dates.len() != edges.len() {
            return Err(format!(
                "the merge section dates {} edges, the graph has {}",
                self.edge_dates.len(),
                edges.len()
            ));
        }
        let mut edge_dates = self.edge_dates.into_iter();
        for ((s, r, t), list) in edges.iter().zip(self.edges) {
            let e = g
                .edge_index(s, r, t)
                .ok_or_else(|| format!("no edge {s} -[{r}]-> {t}"))?;
            let list = decode(&list).map_err(|e| format!("edge {s} -[{r}]-> {t}: {e}"))?;
            if !list.is_empty() {
                keys.edges
                    .insert(e, list.into_iter().map(|(k, _)| k).collect());
            }
            let mut dated = BTreeMap::new();
            for (date, list) in edge_dates.next().unwrap_or_default() {
                let list = decode(&list).map_err(|e| format!("edge {s} -[{r}]-> {t}: {e}"))?;
                dated.insert(date, list.into_iter().map(|(k, _)| k).collect());
            }
            if !dated.is_empty() {
                keys.edge_dates.insert(e, dated);
            }
        }
        g.merge_keys = Some(Box::new(keys));
        Ok(())
    }
}
