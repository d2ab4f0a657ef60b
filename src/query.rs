//! Questions about a graph: an actor's neighbors (with the evidence for each edge) and a
//! summary of the whole graph.

use std::collections::{BTreeMap, HashSet, VecDeque};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::gazetteer::{edit_distance, EntityType, Gazetteer};
use crate::graph::{Edge, Evidence, KnowledgeGraph, Node, Status, CO_OCCURS_WITH};
use crate::text::fold;

/// Which edges of a node to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Edges from the entity (and symmetric ones).
    Out,
    /// Edges to the entity (and symmetric ones).
    In,
    #[default]
    Both,
}

/// Find the node a user means by `name`: a node id, a label, or any gazetteer alias, all
/// case-insensitively. Unknown names suggest the closest known ones; ambiguous names list
/// their candidates.
pub fn resolve_entity(
    g: &KnowledgeGraph,
    gazetteer: Option<&Gazetteer>,
    name: &str,
) -> Result<String> {
    let f = fold(name.trim());
    fn push(g: &KnowledgeGraph, candidates: &mut Vec<String>, id: &str) {
        if g.node_index(id).is_some() && !candidates.iter().any(|c| c == id) {
            candidates.push(id.to_string());
        }
    }
    let mut candidates: Vec<String> = Vec::new();
    for n in g.graph.node_weights() {
        if fold(&n.id) == f || fold(&n.label) == f {
            push(g, &mut candidates, &n.id);
        }
    }
    if let Some(gz) = gazetteer {
        let mut readings = Vec::new();
        for a in gz.lookup(name) {
            let e = gz.entity(a.entity);
            if g.node_index(&e.id).is_some() {
                push(g, &mut candidates, &e.id);
                // "Islamabad" asks for the government; its place node is the same name.
                if let Some(p) = a.place_reading {
                    readings.push(gz.entity(p).id.clone());
                }
            } else if let Some(p) = a.place_reading {
                push(g, &mut candidates, &gz.entity(p).id);
            }
        }
        if candidates.len() > 1 {
            candidates.retain(|c| !readings.contains(c));
        }
    }
    candidates.sort();
    match candidates.len() {
        1 => Ok(candidates.pop().unwrap()),
        0 => {
            let mut scored: Vec<(usize, String)> = g
                .graph
                .node_weights()
                .map(|n| (edit_distance(&f, &fold(&n.label)), n.label.clone()))
                .collect();
            if let Some(gz) = gazetteer {
                scored.extend(
                    gz.aliases
                        .iter()
                        .filter(|a| g.node_index(&gz.entity(a.entity).id).is_some())
                        .map(|a| (edit_distance(&f, &fold(&a.text)), a.text.clone())),
                );
            }
            scored.sort();
            scored.dedup_by(|a, b| a.1 == b.1);
            let near: Vec<String> = scored
                .into_iter()
                .filter(|(d, _)| *d <= (f.chars().count() / 2).max(2))
                .take(5)
                .map(|(_, s)| s)
                .collect();
            Err(Error::Invalid(if near.is_empty() {
                format!("no entity {name:?} in the graph")
            } else {
                format!(
                    "no entity {name:?} in the graph; did you mean: {}?",
                    near.join(", ")
                )
            }))
        }
        _ => {
            candidates.sort();
            let list: Vec<String> = candidates
                .iter()
                .map(|id| {
                    let n = g.node(id).unwrap();
                    format!("{} ({}, {})", n.label, n.etype, n.id)
                })
                .collect();
            Err(Error::Invalid(format!(
                "{name:?} is ambiguous; it names: {}. Ask for one by its id",
                list.join("; ")
            )))
        }
    }
}

/// Filters of a neighbor query.
#[derive(Debug, Clone, Default)]
pub struct NeighborQuery {
    /// Relations to follow (empty: all).
    pub relations: Vec<String>,
    pub direction: Direction,
    /// 1 = direct neighbors; 2 = their neighbors too; ...
    pub depth: usize,
    pub min_weight: u64,
    /// Neighbor types to keep (empty: all).
    pub types: Vec<EntityType>,
}

/// One hop of a path.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub from: String,
    pub relation: String,
    /// `->` (from is the source), `<-` (from is the target) or `--` (symmetric).
    pub arrow: &'static str,
    pub to: String,
}

/// A neighbor and the edge that reaches it.
#[derive(Debug, Clone, Serialize)]
pub struct NeighborRow {
    pub depth: usize,
    pub neighbor: String,
    pub label: String,
    #[serde(rename = "type")]
    pub etype: EntityType,
    pub relation: String,
    pub arrow: &'static str,
    pub weight: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    pub weapons: Vec<String>,
    pub years: Vec<u16>,
    pub inferred: bool,
    /// The hops from the queried entity (more than one when depth > 1).
    pub path: Vec<Step>,
    pub evidence: Vec<Evidence>,
    /// Supporting entries beyond the extraction's `--max-evidence` (written when some were).
    #[serde(skip_serializing_if = "is_zero")]
    pub evidence_omitted: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn arrow_of(e: &Edge, from: &str) -> &'static str {
    if e.symmetric {
        "--"
    } else if &*e.source == from {
        "->"
    } else {
        "<-"
    }
}

/// The neighbors of `id` within `q.depth` hops, strongest first at each depth.
pub fn neighbors(g: &KnowledgeGraph, id: &str, q: &NeighborQuery) -> Vec<NeighborRow> {
    let depth = q.depth.max(1);
    let mut rows: Vec<NeighborRow> = Vec::new();
    let mut seen: HashSet<String> = HashSet::from([id.to_string()]);
    let mut frontier: VecDeque<(String, Vec<Step>)> =
        VecDeque::from([(id.to_string(), Vec::new())]);
    for level in 1..=depth {
        // Nothing new was reached: deeper levels would find nothing either.
        if frontier.is_empty() {
            break;
        }
        let mut next = VecDeque::new();
        let mut level_rows = Vec::new();
        while let Some((node, path)) = frontier.pop_front() {
            for e in g.edges_of(&node) {
                if !q.relations.is_empty() && !q.relations.iter().any(|r| **r == *e.relation) {
                    continue;
                }
                if e.weight < q.min_weight {
                    continue;
                }
                let arrow = arrow_of(e, &node);
                let ok_dir = match q.direction {
                    Direction::Both => true,
                    Direction::Out => arrow != "<-",
                    Direction::In => arrow != "->",
                };
                if !ok_dir {
                    continue;
                }
                let other = if *e.source == *node {
                    &e.target
                } else {
                    &e.source
                };
                let Some(n) = g.node(other) else { continue };
                if !q.types.is_empty() && !q.types.contains(&n.etype) {
                    continue;
                }
                let mut p = path.clone();
                p.push(Step {
                    from: node.clone(),
                    relation: e.relation.to_string(),
                    arrow,
                    to: other.to_string(),
                });
                level_rows.push(row(level, n, e, arrow, p.clone()));
                if seen.insert(other.to_string()) {
                    next.push_back((other.to_string(), p));
                }
            }
        }
        level_rows.sort_by(|a, b| {
            b.weight
                .cmp(&a.weight)
                .then_with(|| (a.relation == CO_OCCURS_WITH).cmp(&(b.relation == CO_OCCURS_WITH)))
                .then_with(|| a.relation.cmp(&b.relation))
                .then_with(|| a.label.cmp(&b.label))
        });
        // At depth > 1 keep each neighbor once per relation (the first path found).
        if level > 1 {
            let mut kept = HashSet::new();
            level_rows.retain(|r| {
                r.neighbor != id && kept.insert((r.neighbor.clone(), r.relation.clone()))
            });
        }
        rows.extend(level_rows);
        frontier = next;
    }
    rows
}

fn row(depth: usize, n: &Node, e: &Edge, arrow: &'static str, path: Vec<Step>) -> NeighborRow {
    NeighborRow {
        depth,
        neighbor: n.id.clone(),
        label: n.label.clone(),
        etype: n.etype,
        relation: e.relation.to_string(),
        arrow,
        weight: e.weight,
        status: e.status,
        weapons: e.weapons().to_vec(),
        years: e.years().to_vec(),
        inferred: e.inferred,
        path,
        evidence: e.evidence.clone(),
        evidence_omitted: e.evidence_omitted,
    }
}

/// A summary of a graph.
#[derive(Debug, Clone, Serialize)]
pub struct GraphStats {
    pub documents: u64,
    pub sentences: u64,
    pub nodes: usize,
    pub edges: usize,
    pub nodes_by_type: BTreeMap<String, usize>,
    pub edges_by_relation: BTreeMap<String, usize>,
    pub top_actors: Vec<ActorDegree>,
    pub strongest_typed_edges: Vec<EdgeSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActorDegree {
    pub id: String,
    pub label: String,
    #[serde(rename = "type")]
    pub etype: EntityType,
    /// Sum of the weights of all incident edges.
    pub weighted_degree: u64,
    /// Number of typed (non co-occurrence) edges.
    pub typed_edges: usize,
    pub mentions: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EdgeSummary {
    pub source: String,
    pub relation: String,
    pub target: String,
    pub symmetric: bool,
    pub weight: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    pub weapons: Vec<String>,
}

pub fn stats(g: &KnowledgeGraph, top: usize) -> GraphStats {
    let mut nodes_by_type = BTreeMap::new();
    for n in g.graph.node_weights() {
        *nodes_by_type
            .entry(n.etype.as_str().to_string())
            .or_insert(0) += 1;
    }
    let mut edges_by_relation = BTreeMap::new();
    for e in g.graph.edge_weights() {
        *edges_by_relation.entry(e.relation.to_string()).or_insert(0) += 1;
    }
    let mut top_actors: Vec<ActorDegree> = g
        .sorted_nodes()
        .into_iter()
        .filter(|n| matches!(n.etype, EntityType::Country | EntityType::Organization))
        .map(|n| {
            let edges = g.edges_of(&n.id);
            ActorDegree {
                id: n.id.clone(),
                label: n.label.clone(),
                etype: n.etype,
                // Saturating: a hand-made graph's weights must not wrap the sum.
                weighted_degree: edges.iter().fold(0u64, |s, e| s.saturating_add(e.weight)),
                typed_edges: edges
                    .iter()
                    .filter(|e| &*e.relation != CO_OCCURS_WITH)
                    .count(),
                mentions: n.mentions,
            }
        })
        .collect();
    top_actors.sort_by(|a, b| {
        b.weighted_degree
            .cmp(&a.weighted_degree)
            .then_with(|| a.id.cmp(&b.id))
    });
    top_actors.truncate(top);
    let label = |id: &str| {
        g.node(id)
            .map(|n| n.label.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut strongest: Vec<EdgeSummary> = g
        .sorted_edges()
        .into_iter()
        .filter(|e| &*e.relation != CO_OCCURS_WITH)
        .map(|e| EdgeSummary {
            source: label(&e.source),
            relation: e.relation.to_string(),
            target: label(&e.target),
            symmetric: e.symmetric,
            weight: e.weight,
            status: e.status,
            weapons: e.weapons().to_vec(),
        })
        .collect();
    strongest.sort_by_key(|e| std::cmp::Reverse(e.weight));
    strongest.truncate(top);
    GraphStats {
        documents: g.meta.documents,
        sentences: g.meta.sentences,
        nodes: g.node_count(),
        edges: g.edge_count(),
        nodes_by_type,
        edges_by_relation,
        top_actors,
        strongest_typed_edges: strongest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A depth far beyond the graph ends as soon as no new node is reached (it used to run
    /// every empty level, minutes for `--depth 4294967295`).
    #[test]
    fn a_deep_search_stops_when_nothing_new_is_reached() {
        let text = r#"{"directed": true, "multigraph": true,
            "graph": {"generator": "t", "schema_version": 1, "documents": 1, "sentences": 1,
                      "duplicate_sentences": 0, "skipped_lines": 0, "relations": "all"},
            "nodes": [
              {"id": "country:a", "label": "A", "type": "country", "mentions": 1, "documents": 1},
              {"id": "country:b", "label": "B", "type": "country", "mentions": 1, "documents": 1},
              {"id": "country:c", "label": "C", "type": "country", "mentions": 1, "documents": 1}],
            "edges": [
              {"key": "supplies", "source": "country:a", "target": "country:b",
               "relation": "supplies", "symmetric": false, "weight": 1, "evidence": [],
               "weapons": [], "years": [], "inferred": false},
              {"key": "supplies", "source": "country:b", "target": "country:c",
               "relation": "supplies", "symmetric": false, "weight": 1, "evidence": [],
               "weapons": [], "years": [], "inferred": false}]}"#;
        let g = crate::export::from_json(std::path::Path::new("t.json"), text).unwrap();
        let rows = neighbors(
            &g,
            "country:a",
            &NeighborQuery {
                relations: Vec::new(),
                direction: Direction::Both,
                depth: usize::MAX,
                min_weight: 1,
                types: Vec::new(),
            },
        );
        let reached: Vec<(usize, &str)> = rows
            .iter()
            .map(|r| (r.depth, r.neighbor.as_str()))
            .collect();
        assert!(reached.contains(&(1, "country:b")) && reached.contains(&(2, "country:c")));
        assert!(reached.iter().all(|(d, _)| *d <= 3), "{reached:?}");
    }
}
