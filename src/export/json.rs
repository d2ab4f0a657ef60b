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
    let link = node_link(g);
    if rayon::current_num_threads() <= 1 || link.edges.len() <= 256 {
        serde_json::to_writer_pretty(&mut w, &link)?;
        return w.write_all(b"\n");
    }
    write_in_parallel(link, w)
}

/// [`write`] with the edges (most of the file) rendered in parallel blocks: each is
/// serde_json's pretty output of the edge alone, indented to its depth (JSON text holds no
/// raw line break inside a string, so indenting after each line break is exact), joined as
/// the pretty printer joins array values. The bytes are those of the serial writer (tested).
fn write_in_parallel(link: NodeLinkRef<'_>, mut w: impl std::io::Write) -> std::io::Result<()> {
    let NodeLinkRef {
        directed,
        multigraph,
        graph,
        nodes,
        edges,
        merge,
    } = link;
    let head = NodeLinkRef {
        directed,
        multigraph,
        graph,
        nodes,
        edges: Vec::new(),
        merge: None,
    };
    let head = serde_json::to_string_pretty(&head)?;
    const NO_EDGES: &str = "\n  \"edges\": []\n}";
    let head = head
        .strip_suffix(NO_EDGES)
        .expect("the edges are the last field written");
    w.write_all(head.as_bytes())?;
    w.write_all(b"\n  \"edges\": [")?;
    let mut out = String::with_capacity(1 << 17);
    {
        let mut flush = super::flush_into(&mut w);
        super::render_in_order(&edges, &mut out, &mut flush, |out, i, e| {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            let text = serde_json::to_string_pretty(e).expect("an edge serialises");
            push_indented(out, &text, "    ");
        })?;
    }
    w.write_all(out.as_bytes())?;
    w.write_all(b"\n  ]")?;
    if let Some(m) = merge {
        w.write_all(b",\n  \"merge\": ")?;
        let text = serde_json::to_string_pretty(&m)?;
        let mut indented = String::with_capacity(text.len() + text.len() / 8);
        push_indented(&mut indented, &text, "  ");
        w.write_all(indented.as_bytes())?;
    }
    w.write_all(b"\n}\n")
}

/// `text` appended to `out` with `indent` after each line break.
fn push_indented(out: &mut String, text: &str, indent: &str) {
    let mut lines = text.split('\n');
    if let Some(first) = lines.next() {
        out.push_str(first);
    }
    for line in lines {
        out.push('\n');
        out.push_str(indent);
        out.push_str(line);
    }
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
                (
                    e.source.to_string(),
                    e.relation.to_string(),
                    e.target.to_string(),
                )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{ExtractOptions, GazetteerConfig, Pipeline};

    /// The parallel writer must give the serial writer's bytes, merge section included.
    #[test]
    fn json_written_in_parallel_is_the_serial_bytes() {
        let p = Pipeline::load(&GazetteerConfig::default()).unwrap();
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let sources = crate::corpus::collect_sources(&[seeds]).unwrap();
        for mergeable in [false, true] {
            let options = ExtractOptions {
                mergeable,
                ..Default::default()
            };
            let (g, _) = p.extract(&sources, &options, |_| {}, |_| {}).unwrap();
            assert!(g.edge_count() > 256, "enough edges for the parallel path");
            let written = |threads: usize| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                pool.install(|| {
                    let mut out = Vec::new();
                    write(&g, &mut out).unwrap();
                    out
                })
            };
            let serial = written(1);
            assert!(serial.ends_with(b"\n}\n"));
            assert_eq!(
                String::from_utf8(written(3)).unwrap(),
                String::from_utf8(serial).unwrap()
            );
        }
    }
}
