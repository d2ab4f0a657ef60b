//! What changed between two graphs: nodes and edges added and removed, weight and attribute
//! changes, and for each actor the neighbors gained and lost. Identity is the node id and,
//! for edges, (source, relation, target); evidence locations are not compared, so a corpus
//! that is reordered or holds duplicated documents gives an equal graph. An article appended
//! to another document changes only that document count of its nodes, never a weight.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::export::{Decor, Decoration};
use crate::gazetteer::EntityType;
use crate::graph::{Edge, KnowledgeGraph, Node, Status, CO_OCCURS_WITH};

/// The JSON schema version of [`GraphDiff`].
pub const DIFF_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct NodeRef {
    pub id: String,
    pub label: String,
    #[serde(rename = "type")]
    pub etype: crate::gazetteer::EntityType,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NodeChange {
    pub id: String,
    pub label: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EdgeRef {
    pub source: String,
    pub relation: String,
    pub target: String,
    pub symmetric: bool,
    pub weight: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    pub weapons: Vec<String>,
    pub years: Vec<u16>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EdgeChange {
    pub source: String,
    pub relation: String,
    pub target: String,
    pub symmetric: bool,
    pub weight_old: u64,
    pub weight_new: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_old: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_new: Option<Status>,
    pub weapons_added: Vec<String>,
    pub weapons_removed: Vec<String>,
    pub years_added: Vec<u16>,
    pub years_removed: Vec<u16>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NeighborChange {
    pub id: String,
    pub label: String,
    /// (relation, neighbor label)
    pub gained: Vec<(String, String)>,
    pub lost: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub same: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct GraphDiff {
    pub schema_version: u32,
    pub old: String,
    pub new: String,
    pub nodes: Counts,
    pub edges: Counts,
    pub edges_by_relation: BTreeMap<String, Counts>,
    pub nodes_added: Vec<NodeRef>,
    pub nodes_removed: Vec<NodeRef>,
    pub nodes_changed: Vec<NodeChange>,
    pub edges_added: Vec<EdgeRef>,
    pub edges_removed: Vec<EdgeRef>,
    pub edges_changed: Vec<EdgeChange>,
    pub neighbors: Vec<NeighborChange>,
}

impl GraphDiff {
    pub fn is_equal(&self) -> bool {
        self.nodes.added + self.nodes.removed + self.nodes.changed == 0
            && self.edges.added + self.edges.removed + self.edges.changed == 0
    }
}

fn node_ref(n: &Node) -> NodeRef {
    NodeRef {
        id: n.id.clone(),
        label: n.label.clone(),
        etype: n.etype,
    }
}

fn edge_ref(e: &Edge) -> EdgeRef {
    EdgeRef {
        source: e.source.to_string(),
        relation: e.relation.to_string(),
        target: e.target.to_string(),
        symmetric: e.symmetric,
        weight: e.weight,
        status: e.status,
        weapons: e.weapons().to_vec(),
        years: e.years().to_vec(),
    }
}

fn minus<T: Ord + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    let b: BTreeSet<&T> = b.iter().collect();
    a.iter().filter(|x| !b.contains(x)).cloned().collect()
}

type EdgeKey = (String, String, String);

fn key(e: &Edge) -> EdgeKey {
    (
        e.source.to_string(),
        e.relation.to_string(),
        e.target.to_string(),
    )
}

/// Compare two graphs.
pub fn diff(
    old: &KnowledgeGraph,
    new: &KnowledgeGraph,
    old_name: &str,
    new_name: &str,
) -> GraphDiff {
    let mut d = GraphDiff {
        schema_version: DIFF_SCHEMA_VERSION,
        old: old_name.to_string(),
        new: new_name.to_string(),
        nodes: Counts::default(),
        edges: Counts::default(),
        edges_by_relation: BTreeMap::new(),
        nodes_added: Vec::new(),
        nodes_removed: Vec::new(),
        nodes_changed: Vec::new(),
        edges_added: Vec::new(),
        edges_removed: Vec::new(),
        edges_changed: Vec::new(),
        neighbors: Vec::new(),
    };
    for n in new.sorted_nodes() {
        match old.node(&n.id) {
            None => {
                d.nodes.added += 1;
                d.nodes_added.push(node_ref(n));
            }
            Some(o) => {
                let mut changes = Vec::new();
                for (field, a, b) in [
                    ("label", o.label.clone(), n.label.clone()),
                    ("type", o.etype.to_string(), n.etype.to_string()),
                    ("mentions", o.mentions.to_string(), n.mentions.to_string()),
                    (
                        "documents",
                        o.documents.to_string(),
                        n.documents.to_string(),
                    ),
                ] {
                    if a != b {
                        changes.push(FieldChange {
                            field: field.into(),
                            old: a,
                            new: b,
                        });
                    }
                }
                if changes.is_empty() {
                    d.nodes.same += 1;
                } else {
                    d.nodes.changed += 1;
                    d.nodes_changed.push(NodeChange {
                        id: n.id.clone(),
                        label: n.label.clone(),
                        changes,
                    });
                }
            }
        }
    }
    for o in old.sorted_nodes() {
        if new.node(&o.id).is_none() {
            d.nodes.removed += 1;
            d.nodes_removed.push(node_ref(o));
        }
    }
    for e in new.sorted_edges() {
        let c = d
            .edges_by_relation
            .entry(e.relation.to_string())
            .or_default();
        match old.edge(&e.source, &e.relation, &e.target) {
            None => {
                d.edges.added += 1;
                c.added += 1;
                d.edges_added.push(edge_ref(e));
            }
            Some(o) => {
                let ch = EdgeChange {
                    source: e.source.to_string(),
                    relation: e.relation.to_string(),
                    target: e.target.to_string(),
                    symmetric: e.symmetric,
                    weight_old: o.weight,
                    weight_new: e.weight,
                    status_old: o.status,
                    status_new: e.status,
                    weapons_added: minus(e.weapons(), o.weapons()),
                    weapons_removed: minus(o.weapons(), e.weapons()),
                    years_added: minus(e.years(), o.years()),
                    years_removed: minus(o.years(), e.years()),
                };
                let changed = ch.weight_old != ch.weight_new
                    || ch.status_old != ch.status_new
                    || !ch.weapons_added.is_empty()
                    || !ch.weapons_removed.is_empty()
                    || !ch.years_added.is_empty()
                    || !ch.years_removed.is_empty();
                if changed {
                    d.edges.changed += 1;
                    c.changed += 1;
                    d.edges_changed.push(ch);
                } else {
                    d.edges.same += 1;
                    c.same += 1;
                }
            }
        }
    }
    for o in old.sorted_edges() {
        if new.edge(&o.source, &o.relation, &o.target).is_none() {
            d.edges.removed += 1;
            d.edges_by_relation
                .entry(o.relation.to_string())
                .or_default()
                .removed += 1;
            d.edges_removed.push(edge_ref(o));
        }
    }
    // Neighbors gained and lost through typed relations, per actor.
    let label = |id: &str| {
        new.node(id)
            .or_else(|| old.node(id))
            .map(|n| n.label.clone())
            .unwrap_or_else(|| id.to_string())
    };
    // Per actor: (gained, lost) as (relation, neighbor label).
    type Changes = (Vec<(String, String)>, Vec<(String, String)>);
    let mut per: BTreeMap<String, Changes> = BTreeMap::new();
    for (list, gained) in [(&d.edges_added, true), (&d.edges_removed, false)] {
        for e in list.iter().filter(|e| e.relation != CO_OCCURS_WITH) {
            for (me, other) in [(&e.source, &e.target), (&e.target, &e.source)] {
                // Per actor: countries and organizations.
                let actor = new.node(me).or_else(|| old.node(me)).is_some_and(|n| {
                    matches!(n.etype, EntityType::Country | EntityType::Organization)
                });
                if !actor {
                    continue;
                }
                let entry = per.entry(me.clone()).or_default();
                let item = (e.relation.clone(), label(other));
                if gained {
                    entry.0.push(item);
                } else {
                    entry.1.push(item);
                }
            }
        }
    }
    d.neighbors = per
        .into_iter()
        .map(|(id, (gained, lost))| NeighborChange {
            label: label(&id),
            id,
            gained,
            lost,
        })
        .collect();
    d
}

/// The union of both graphs, decorated with a `diff` attribute (added, removed, changed,
/// same), matching colours, old and new weights, and time intervals (old = t1, new = t2)
/// for a dynamic GEXF.
pub fn union_graph(
    old: &KnowledgeGraph,
    new: &KnowledgeGraph,
    d: &GraphDiff,
    dynamic: bool,
) -> (KnowledgeGraph, Decoration) {
    const ADDED: (u8, u8, u8) = (44, 160, 44);
    const REMOVED: (u8, u8, u8) = (214, 39, 40);
    const CHANGED: (u8, u8, u8) = (255, 127, 14);
    const SAME: (u8, u8, u8) = (187, 187, 187);
    let mut u = KnowledgeGraph::new();
    u.meta = new.meta.clone();
    let mut deco = Decoration {
        node_keys: vec![("diff".into(), "string")],
        edge_keys: vec![
            ("diff".into(), "string"),
            ("weight_old".into(), "double"),
            ("weight_new".into(), "double"),
            ("weight_delta".into(), "double"),
        ],
        dynamic,
        ..Default::default()
    };
    let added: BTreeSet<&str> = d.nodes_added.iter().map(|n| n.id.as_str()).collect();
    let removed: BTreeSet<&str> = d.nodes_removed.iter().map(|n| n.id.as_str()).collect();
    let changed: BTreeSet<&str> = d.nodes_changed.iter().map(|n| n.id.as_str()).collect();
    for n in new.sorted_nodes().into_iter().chain(old.sorted_nodes()) {
        if u.node_index(&n.id).is_some() {
            continue;
        }
        u.insert_node(n.clone());
        let (state, rgb, interval) = if added.contains(n.id.as_str()) {
            ("added", ADDED, (2, 2))
        } else if removed.contains(n.id.as_str()) {
            ("removed", REMOVED, (1, 1))
        } else if changed.contains(n.id.as_str()) {
            ("changed", CHANGED, (1, 2))
        } else {
            ("same", SAME, (1, 2))
        };
        deco.nodes.insert(
            n.id.clone(),
            Decor {
                values: vec![state.into()],
                rgb: Some(rgb),
                interval: Some(interval),
            },
        );
    }
    let changed_edges: BTreeSet<EdgeKey> = d
        .edges_changed
        .iter()
        .map(|e| (e.source.clone(), e.relation.clone(), e.target.clone()))
        .collect();
    for e in new.sorted_edges() {
        let k = key(e);
        let old_w = old
            .edge(&e.source, &e.relation, &e.target)
            .map(|o| o.weight);
        let (state, rgb, interval) = match old_w {
            None => ("added", ADDED, (2, 2)),
            Some(_) if changed_edges.contains(&k) => ("changed", CHANGED, (1, 2)),
            Some(_) => ("same", SAME, (1, 2)),
        };
        u.insert_edge(e.clone());
        let ow = old_w.unwrap_or(0) as f64;
        let nw = e.weight as f64;
        deco.edges.insert(
            k,
            Decor {
                values: vec![
                    state.into(),
                    format!("{ow:.1}"),
                    format!("{nw:.1}"),
                    format!("{:.1}", nw - ow),
                ],
                rgb: Some(rgb),
                interval: Some(interval),
            },
        );
    }
    for e in old.sorted_edges() {
        if new.edge(&e.source, &e.relation, &e.target).is_some() {
            continue;
        }
        u.insert_edge(e.clone());
        let ow = e.weight as f64;
        deco.edges.insert(
            key(e),
            Decor {
                values: vec![
                    "removed".into(),
                    format!("{ow:.1}"),
                    "0.0".into(),
                    format!("{:.1}", -ow),
                ],
                rgb: Some(REMOVED),
                interval: Some((1, 1)),
            },
        );
    }
    (u, deco)
}
