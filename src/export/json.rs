//! networkx node-link JSON (`nx.node_link_graph(data, edges="edges")`), holding everything
//! the graph holds, evidence included. It is also the snapshot format `neighbors`, `diff` and
//! `stats` load.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::graph::{Edge, GraphMeta, KnowledgeGraph, Node};

#[derive(Serialize, Deserialize)]
struct NodeLink {
    directed: bool,
    multigraph: bool,
    graph: GraphMeta,
    nodes: Vec<Node>,
    edges: Vec<LinkEdge>,
    /// What an exact merge needs (`extract --mergeable`); absent in a plain snapshot.
    #[serde(default)]
    merge: Option<crate::merge::MergeSection>,
}

#[derive(Serialize, Deserialize)]
struct LinkEdge {
    /// networkx multigraph key: the relation (unique per node pair and direction).
    key: String,
    #[serde(flatten)]
    edge: Edge,
}

/// [`NodeLink`] borrowing the graph, for writing: no copy of the graph (whose evidence
/// lists are most of its memory) is made.
#[derive(Serialize)]
struct NodeLinkRef<'a> {
    directed: bool,
    multigraph: bool,
    graph: &'a GraphMeta,
    nodes: Vec<&'a Node>,
    edges: Vec<LinkEdgeRef<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    merge: Option<crate::merge::MergeSection>,
}

#[derive(Serialize)]
struct LinkEdgeRef<'a> {
    key: &'a str,
    #[serde(flatten)]
    edge: &'a Edge,
}

fn node_link(g: &KnowledgeGraph) -> NodeLinkRef<'_> {
    let nodes = g.sorted_nodes();
    let edges = g.sorted_edges();
    let merge = g.merge_keys.as_ref().and_then(|_| {
        let ids: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
        crate::merge::MergeSection::of(g, &ids, &edges)
    });
    NodeLinkRef {
        directed: true,
        multigraph: true,
        graph: &g.meta,
        nodes,
        edges: edges
            .into_iter()
            .map(|e| LinkEdgeRef {
                key: &e.relation,
                edge: e,
            })
            .collect(),
        merge,
    }
}

/// Write the JSON to `w` as it is produced (no copy of the document in memory).
pub fn write(g: &KnowledgeGraph, mut w: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut w, &node_link(g))?;
    w.write_all(b"\n")
}

pub fn render(g: &KnowledgeGraph) -> String {
    let mut out = Vec::new();
    write(g, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

pub fn to_json_value(g: &KnowledgeGraph) -> serde_json::Value {
    serde_json::to_value(node_link(g)).expect("graph serialises")
}

/// The largest count a snapshot may hold (2^53 - 1, the largest integer every JSON reader
/// keeps exact). Sums of counts (weighted degree) then stay far from `u64::MAX`.
pub const MAX_COUNT: u64 = (1 << 53) - 1;

/// Parse a snapshot from JSON text; `name` is used in errors. A snapshot of another schema
/// version, with a node id or an edge twice, an edge to a node that is not in the file, or a
/// count out of range is rejected: each would make a query answer wrong without saying so.
pub fn from_json(name: &Path, text: &str) -> Result<KnowledgeGraph> {
    let bad = |message: String| Error::Snapshot {
        path: name.to_path_buf(),
        message,
    };
    let nl: NodeLink = serde_json::from_str(text)
        .map_err(|e| bad(format!("line {}, column {}: {e}", e.line(), e.column())))?;
    let mut g = KnowledgeGraph::new();
    let version = g.meta.schema_version;
    if nl.graph.schema_version != version {
        return Err(bad(format!(
            "schema_version {} is not the version this build reads ({version})",
            nl.graph.schema_version
        )));
    }
    let counts = |what: &str, values: &[(&str, u64)]| -> Result<()> {
        for (field, v) in values {
            if *v > MAX_COUNT {
                return Err(bad(format!(
                    "{field} {v} of {what} is out of range (at most {MAX_COUNT})"
                )));
            }
        }
        Ok(())
    };
    let m = &nl.graph;
    counts(
        "the graph",
        &[
            ("documents", m.documents),
            ("sentences", m.sentences),
            ("duplicate_sentences", m.duplicate_sentences),
            ("skipped_lines", m.skipped_lines),
        ],
    )?;
    g.meta = nl.graph;
    let (mut node_ids, mut edge_ids) = (Vec::new(), Vec::new());
    if nl.merge.is_some() {
        node_ids = nl.nodes.iter().map(|n| n.id.clone()).collect();
        edge_ids = nl
            .edges
            .iter()
            .map(|e| {
                let e = &e.edge;
                (e.source.clone(), e.relation.clone(), e.target.clone())
            })
            .collect();
    }
    for n in nl.nodes {
        counts(
            &format!("node {}", n.id),
            &[("mentions", n.mentions), ("documents", n.documents)],
        )?;
        if g.node_index(&n.id).is_some() {
            return Err(bad(format!("duplicate node id {}", n.id)));
        }
        g.insert_node(n);
    }
    for le in nl.edges {
        let e = &le.edge;
        let what = format!("edge {} -[{}]-> {}", e.source, e.relation, e.target);
        counts(&what, &[("weight", e.weight)])?;
        for end in [&e.source, &e.target] {
            if g.node_index(end).is_none() {
                return Err(bad(format!(
                    "{what} names node {end}, which is not in the file"
                )));
            }
        }
        // A symmetric relation is stored once per pair, in either order.
        let twice = g.edge(&e.source, &e.relation, &e.target).is_some()
            || (e.symmetric && g.edge(&e.target, &e.relation, &e.source).is_some());
        if twice {
            return Err(bad(format!("duplicate edge: {what}")));
        }
        g.insert_edge(le.edge);
    }
    if let Some(m) = nl.merge {
        m.attach(&mut g, &node_ids, &edge_ids)
            .map_err(|e| bad(format!("merge section: {e}")))?;
    }
    Ok(g)
}

/// Load a snapshot file.
pub fn load_snapshot(path: &Path) -> Result<KnowledgeGraph> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    from_json(path, &text)
}
