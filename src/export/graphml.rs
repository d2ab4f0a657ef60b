//! GraphML for Gephi, yEd, networkx and igraph.
//!
//! Gephi reads the node `label`, edge `label` and `weight` keys as built-in properties and the
//! non-standard `label` attribute of `<edge>` as the edge type, which keeps parallel typed
//! edges between two actors apart. Symmetric relations are written once, undirected.

use std::fmt::Write;

use super::{
    edge_decor, hex, join, node_size, type_rgb, write_evidence, xml_escape, xml_escape_into,
    Decoration, ExportOptions,
};
use crate::graph::KnowledgeGraph;

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
    for (id, name, ty) in NODE_KEYS {
        let _ = writeln!(
            out,
            "  <key id=\"{id}\" for=\"node\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
        );
    }
    for (id, name, ty) in EDGE_KEYS {
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
    out.push_str("  <graph id=\"silkgraph\" edgedefault=\"directed\">\n");
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
    for (i, e) in g.sorted_edges().into_iter().enumerate() {
        let directed = if e.symmetric && !opts.graphml_directed_only {
            " directed=\"false\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\" label=\"{}\"{directed}>",
            xml_escape(&e.source),
            xml_escape(&e.target),
            xml_escape(&e.relation)
        );
        data(&mut out, "edgelabel", &e.relation);
        data(&mut out, "relation", &e.relation);
        data(&mut out, "weight", &format!("{:.1}", e.weight as f64));
        data(
            &mut out,
            "symmetric",
            if e.symmetric { "true" } else { "false" },
        );
        if let Some(s) = e.status {
            data(&mut out, "status", s.as_str());
        }
        if !e.weapons.is_empty() {
            data(&mut out, "weapons", &join(&e.weapons));
        }
        if !e.years.is_empty() {
            data(&mut out, "years", &join(&e.years));
        }
        data(
            &mut out,
            "inferred",
            if e.inferred { "true" } else { "false" },
        );
        data(&mut out, "evidence_count", &e.evidence.len().to_string());
        out.push_str("      <data key=\"evidence\">");
        write_evidence(&mut out, e, xml_escape_into);
        out.push_str("</data>\n");
        if let (Some(d), Some(ed)) = (decor, edge_decor(decor, e)) {
            for ((name, _), v) in d.edge_keys.iter().zip(&ed.values) {
                if !v.is_empty() {
                    data(&mut out, &format!("e_{name}"), v);
                }
            }
        }
        out.push_str("    </edge>\n");
        flush(&mut out)?;
    }
    out.push_str("  </graph>\n</graphml>\n");
    Ok(out)
}

fn data(out: &mut String, key: &str, value: &str) {
    out.push_str("      <data key=\"");
    out.push_str(key);
    out.push_str("\">");
    xml_escape_into(out, value);
    out.push_str("</data>\n");
}
