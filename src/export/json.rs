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
}

#[derive(Serialize)]
struct LinkEdgeRef<'a> {
    key: &'a str,
    #[serde(flatten)]
    edge: &'a Edge,
}

fn node_link(g: &KnowledgeGraph) -> NodeLinkRef<'_> {
    NodeLinkRef {
        directed: true,
        multigraph: true,
        graph: &g.meta,
        nodes: g.sorted_nodes(),
        edges: g
            .sorted_edges()
            .into_iter()
            .map(|e| LinkEdgeRef {
                key: &e.relation,
                edge: e,
            })
            .collect(),
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

/// Parse a snapshot from JSON text; `name` is used in errors.
pub fn from_json(name: &Path, text: &str) -> Result<KnowledgeGraph> {
    let nl: NodeLink = serde_json::from_str(text).map_err(|e| Error::Snapshot {
        path: name.to_path_buf(),
        message: format!("line {}, column {}: {e}", e.line(), e.column()),
    })?;
    let mut g = KnowledgeGraph::new();
    g.meta = nl.graph;
    for n in nl.nodes {
        g.insert_node(n);
    }
    for le in nl.edges {
        let (s, t) = (le.edge.source.clone(), le.edge.target.clone());
        if g.insert_edge(le.edge).is_none() {
            return Err(Error::Snapshot {
                path: name.to_path_buf(),
                message: format!("edge {s} -> {t} names a node that is not in the file"),
            });
        }
    }
    Ok(g)
}

/// Load a snapshot file.
pub fn load_snapshot(path: &Path) -> Result<KnowledgeGraph> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    from_json(path, &text)
}
