//! GraphML for Gephi, yEd, networkx and igraph.
//!
//! Gephi reads the node `label`, edge `label` and `weight` keys as built-in properties and the
//! non-standard `label` attribute of `<edge>` as the edge type, which keeps parallel typed
//! edges between two actors apart. Symmetric relations are written once (source < target):
//! by default as directed edges with `symmetric=true`, which networkx and igraph read as
//! they are; with [`ExportOptions::mixed_directions`] as `directed="false"` edges of a
//! mixed graph (Gephi honours it, networkx refuses it, igraph ignores it). The corpus facts
//! of the snapshot (documents, sentences...) are graph-level `<data>`, which networkx and
//! igraph keep as graph attributes (Gephi notes it does not import graph attributes).

use std::fmt::Write;

use super::{
    edge_decor, hex, join, node_size, push_edge_open, push_weight, type_rgb, write_evidence,
    xml_escape, xml_escape_into, Decoration, Directions, ExportOptions,
};
use crate::graph::{Edge, KnowledgeGraph};

const NODE_KEYS: &[(&str, &str, &str)] = &[
    ("label", "label", "string"),
    ("type", "type", "string"),
    ("mentions", "mentions", "int"),
    ("documents", "documents", "int"),
    ("source", "source", "string"),
    ("aliases", "aliases", "string"),
    ("color", "color", "string"),
    ("size", "size", "double"),
];

/// Graph-level keys: (id, name, type). Ids are prefixed: key ids are unique across the
/// document, and `relations` (the extraction mode) is not the edge key `relation`.
pub(crate) const GRAPH_KEYS: &[(&str, &str, &str)] = &[
    ("g_generator", "generator", "string"),
    ("g_schema_version", "schema_version", "int"),
    ("g_documents", "documents", "long"),
    ("g_sentences", "sentences", "long"),
    ("g_duplicate_sentences", "duplicate_sentences", "long"),
    ("g_skipped_lines", "skipped_lines", "long"),
    ("g_relations", "relations", "string"),
];

/// Written only for a dated graph, so an undated one keeps its bytes. Edge key ids are
/// prefixed (key ids are unique across the document).
const NODE_TIME_KEYS: &[(&str, &str, &str)] = &[
    ("first_seen", "first_seen", "string"),
    ("last_seen", "last_seen", "string"),
    ("dates", "dates", "string"),
];
const EDGE_TIME_KEYS: &[(&str, &str, &str)] = &[
    ("edge_first_seen", "first_seen", "string"),
    ("edge_last_seen", "last_seen", "string"),
    ("edge_dates", "dates", "string"),
];

const EDGE_KEYS: &[(&str, &str, &str)] = &[
    ("edgelabel", "label", "string"),
    ("relation", "relation", "string"),
    ("weight", "weight", "double"),
    ("symmetric", "symmetric", "boolean"),
    ("status", "status", "string"),
    ("weapons", "weapons", "string"),
    ("years", "years", "string"),
    ("inferred", "inferred", "boolean"),
    ("evidence_count", "evidence_count", "int"),
    ("evidence", "evidence", "string"),
];

pub fn render(g: &KnowledgeGraph, opts: &ExportOptions, decor: Option<&Decoration>) -> String {
    render_into(g, opts, decor, &mut |_| Ok(()))
        .unwrap_or_else(|_| unreachable!("rendering to memory does no I/O"))
}

/// [`render`], handing the text built so far to `flush` after each node and edge (which
/// may write it out and clear it); returns what is left.
pub(crate) fn render_into(
    g: &KnowledgeGraph,
    opts: &ExportOptions,
    decor: Option<&Decoration>,
    flush: &mut dyn FnMut(&mut String) -> std::io::Result<()>,
) -> std::io::Result<String> {
    let mut out = String::with_capacity(1 << 16);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n");
    for (id, name, ty) in GRAPH_KEYS {
        let _ = writeln!(
            out,
            "  <key id=\"{id}\" for=\"graph\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
        );
    }
    let dated = crate::dates::graph_is_dated(g);
    let time_keys = |keys| if dated { keys } else { &[][..] };
    for (id, name, ty) in NODE_KEYS.iter().chain(time_keys(NODE_TIME_KEYS)) {
        let _ = writeln!(
            out,
            "  <key id=\"{id}\" for=\"node\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
        );
    }
    for (id, name, ty) in EDGE_KEYS.iter().chain(time_keys(EDGE_TIME_KEYS)) {
        let _ = writeln!(
            out,
            "  <key id=\"{id}\" for=\"edge\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
        );
    }
    if let Some(d) = decor {
        for (name, ty) in &d.node_keys {
            let _ = writeln!(
                out,
                "  <key id=\"n_{0}\" for=\"node\" attr.name=\"{0}\" attr.type=\"{ty}\"/>",
                xml_escape(name)
            );
        }
        for (name, ty) in &d.edge_keys {
            let _ = writeln!(
                out,
                "  <key id=\"e_{0}\" for=\"edge\" attr.name=\"{0}\" attr.type=\"{ty}\"/>",
                xml_escape(name)
            );
        }
    }
    let edges = g.sorted_edges();
    let directions = Directions::of(&edges, opts);
    let _ = writeln!(
        out,
        "  <graph id=\"silkgraph\" edgedefault=\"{}\">",
        if directions == Directions::Undirected {
            "undirected"
        } else {
            "directed"
        }
    );
    let m = &g.meta;
    for (key, value) in GRAPH_KEYS.iter().map(|k| k.0).zip([
        m.generator.clone(),
        m.schema_version.to_string(),
        m.documents.to_string(),
        m.sentences.to_string(),
        m.duplicate_sentences.to_string(),
        m.skipped_lines.to_string(),
        m.relations.clone(),
    ]) {
        data(&mut out, key, &value);
    }
    for n in g.sorted_nodes() {
        let _ = writeln!(out, "    <node id=\"{}\">", xml_escape(&n.id));
        data(&mut out, "label", &n.label);
        data(&mut out, "type", n.etype.as_str());
        data(&mut out, "mentions", &n.mentions.to_string());
        data(&mut out, "documents", &n.documents.to_string());
        data(&mut out, "source", n.source.as_str());
        if !n.aliases.is_empty() {
            data(&mut out, "aliases", &n.aliases.join("; "));
        }
        let nd = decor.and_then(|d| d.nodes.get(&n.id));
        data(
            &mut out,
            "color",
            &hex(nd.and_then(|x| x.rgb).unwrap_or(type_rgb(n.etype))),
        );
        data(&mut out, "size", &node_size(n.mentions).to_string());
        time_data(&mut out, "", n.first_seen, n.last_seen, &n.dates);
        if let (Some(d), Some(nd)) = (decor, nd) {
            for ((name, _), v) in d.node_keys.iter().zip(&nd.values) {
                if !v.is_empty() {
                    data(&mut out, &format!("n_{name}"), v);
                }
            }
        }
        out.push_str("    </node>\n");
        flush(&mut out)?;
    }
    // Edges are most of the file: with more than one thread, blocks of them are rendered in
    // parallel and written in order, so the bytes are the same.
    super::render_in_order(&edges, &mut out, flush, |out, i, e| {
        render_edge(out, i, e, directions, decor)
    })?;
    out.push_str("  </graph>\n</graphml>\n");
    Ok(out)
}

/// One `<edge>` element; `i` is its position in the export order.
fn render_edge(
    out: &mut String,
    i: usize,
    e: &Edge,
    directions: Directions,
    decor: Option<&Decoration>,
) {
    let directed = if e.symmetric && directions == Directions::Mixed {
        " directed=\"false\""
    } else {
        ""
    };
    push_edge_open(out, "    ", i, e);
    out.push_str(" label=\"");
    xml_escape_into(out, &e.relation);
    out.push('"');
    out.push_str(directed);
    out.push_str(">\n");
    data(out, "edgelabel", &e.relation);
    data(out, "relation", &e.relation);
    out.push_str("      <data key=\"weight\">");
    push_weight(out, e.weight);
    out.push_str("</data>\n");
    data(out, "symmetric", if e.symmetric { "true" } else { "false" });
    if let Some(s) = e.status {
        data(out, "status", s.as_str());
    }
    if !e.weapons().is_empty() {
        data(out, "weapons", &join(e.weapons()));
    }
    if !e.years().is_empty() {
        data(out, "years", &join(e.years()));
    }
    data(out, "inferred", if e.inferred { "true" } else { "false" });
    data(
        out,
        "evidence_count",
        itoa::Buffer::new().format(e.evidence_total()),
    );
    out.push_str("      <data key=\"evidence\">");
    write_evidence(out, e, xml_escape_into);
    out.push_str("</data>\n");
    time_data(out, "edge_", e.first_seen(), e.last_seen(), e.dates());
    if let (Some(d), Some(ed)) = (decor, edge_decor(decor, e)) {
        for ((name, _), v) in d.edge_keys.iter().zip(&ed.values) {
            if !v.is_empty() {
                data(out, &format!("e_{name}"), v);
            }
        }
    }
    out.push_str("    </edge>\n");
}

/// `first_seen`, `last_seen` and `dates` of a node or edge, when it has them.
fn time_data(
    out: &mut String,
    prefix: &str,
    first: Option<crate::dates::Date>,
    last: Option<crate::dates::Date>,
    dates: &crate::dates::DateCounts,
) {
    if let (Some(f), Some(l)) = (first, last) {
        data(out, &format!("{prefix}first_seen"), &f.to_string());
        data(out, &format!("{prefix}last_seen"), &l.to_string());
    }
    if !dates.is_empty() {
        data(
            out,
            &format!("{prefix}dates"),
            &crate::dates::format_counts(dates),
        );
    }
}

fn data(out: &mut String, key: &str, value: &str) {
    out.push_str("      <data key=\"");
    out.push_str(key);
    out.push_str("\">");
    xml_escape_into(out, value);
    out.push_str("</data>\n");
}
