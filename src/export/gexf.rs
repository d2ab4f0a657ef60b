//! GEXF 1.3, Gephi's native format: `kind` = relation keeps typed parallel edges apart, and
//! `viz` colours nodes by type and sizes them by mentions. Symmetric edges are written once
//! (source < target), directed with `symmetric=true` by default (networkx refuses a GEXF
//! that mixes directions), `type="undirected"` in a mixed graph when asked. The corpus facts
//! of the snapshot are `key=value` pairs in `<meta><keywords>` (GEXF 1.3 has no graph
//! attributes).

use std::fmt::Write;

use super::{
    edge_decor, join, node_size, push_edge_open, push_weight, type_rgb, write_evidence, xml_escape,
    xml_escape_into, Decoration, Directions, ExportOptions,
};
use crate::graph::KnowledgeGraph;

const NODE_ATTRS: &[(&str, &str)] = &[
    ("type", "string"),
    ("mentions", "integer"),
    ("documents", "integer"),
    ("source", "string"),
    ("aliases", "string"),
];
/// Node and edge attributes of a dated graph (not declared otherwise, so an undated graph
/// keeps its bytes).
const TIME_ATTRS: &[(&str, &str)] = &[
    ("first_seen", "string"),
    ("last_seen", "string"),
    ("dates", "string"),
];
const EDGE_ATTRS: &[(&str, &str)] = &[
    ("relation", "string"),
    ("symmetric", "boolean"),
    ("status", "string"),
    ("weapons", "string"),
    ("years", "string"),
    ("inferred", "boolean"),
    ("evidence_count", "integer"),
    ("evidence", "string"),
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
    out.push_str("<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" version=\"1.3\">\n");
    let m = &g.meta;
    let _ = writeln!(
        out,
        "  <meta>\n    <creator>{}</creator>\n    <keywords>{}</keywords>\n    <description>silkgraph knowledge graph: {} documents, {} sentences</description>\n  </meta>",
        xml_escape(&m.generator),
        xml_escape(&meta_keywords(m)),
        m.documents,
        m.sentences
    );
    // networkx builds its graph class from the default type and raises on an edge of the
    // other kind: the default is `undirected` only when every edge is symmetric.
    let edges = g.sorted_edges();
    let directions = Directions::of(&edges, opts);
    let default_type = if directions == Directions::Undirected {
        "undirected"
    } else {
        "directed"
    };
    let dynamic = decor.is_some_and(|d| d.dynamic);
    // A dated graph plays in Gephi's timeline: spells of document dates (unless a diff's
    // decoration already makes the graph dynamic with its own integer intervals).
    let dated = crate::dates::graph_is_dated(g);
    let timed = dated && !dynamic;
    let mode = if dynamic {
        "mode=\"dynamic\" timeformat=\"integer\""
    } else if timed {
        "mode=\"dynamic\" timeformat=\"date\""
    } else {
        "mode=\"static\""
    };
    let _ = writeln!(out, "  <graph defaultedgetype=\"{default_type}\" {mode}>");
    let mut node_attrs: Vec<(String, String)> = NODE_ATTRS
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let mut edge_attrs: Vec<(String, String)> = EDGE_ATTRS
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    if dated {
        for attrs in [&mut node_attrs, &mut edge_attrs] {
            attrs.extend(
                TIME_ATTRS
                    .iter()
                    .map(|(a, b)| (a.to_string(), b.to_string())),
            );
        }
    }
    if let Some(d) = decor {
        node_attrs.extend(
            d.node_keys
                .iter()
                .map(|(a, t)| (a.clone(), gexf_type(t).to_string())),
        );
        edge_attrs.extend(
            d.edge_keys
                .iter()
                .map(|(a, t)| (a.clone(), gexf_type(t).to_string())),
        );
    }
    attributes(&mut out, "node", &node_attrs);
    attributes(&mut out, "edge", &edge_attrs);
    out.push_str("    <nodes>\n");
    for n in g.sorted_nodes() {
        let nd = decor.and_then(|d| d.nodes.get(&n.id));
        let interval = interval_attrs(dynamic, nd.and_then(|x| x.interval));
        let _ = writeln!(
            out,
            "      <node id=\"{}\" label=\"{}\"{interval}>",
            xml_escape(&n.id),
            xml_escape(&n.label)
        );
        out.push_str("        <attvalues>\n");
        attvalue(&mut out, "type", n.etype.as_str());
        attvalue(&mut out, "mentions", &n.mentions.to_string());
        attvalue(&mut out, "documents", &n.documents.to_string());
        attvalue(&mut out, "source", n.source.as_str());
        if !n.aliases.is_empty() {
            attvalue(&mut out, "aliases", &n.aliases.join("; "));
        }
        time_values(&mut out, n.first_seen, n.last_seen, &n.dates);
        if let (Some(d), Some(nd)) = (decor, nd) {
            for ((name, _), v) in d.node_keys.iter().zip(&nd.values) {
                if !v.is_empty() {
                    attvalue(&mut out, name, v);
                }
            }
        }
        out.push_str("        </attvalues>\n");
        if timed {
            write_spells(&mut out, &n.dates);
        }
        let (r, gg, b) = nd.and_then(|x| x.rgb).unwrap_or(type_rgb(n.etype));
        let _ = writeln!(
            out,
            "        <viz:color r=\"{r}\" g=\"{gg}\" b=\"{b}\" a=\"1.0\"/>"
        );
        let _ = writeln!(
            out,
            "        <viz:size value=\"{}\"/>",
            node_size(n.mentions)
        );
        out.push_str("      </node>\n");
        flush(&mut out)?;
    }
    out.push_str("    </nodes>\n    <edges>\n");
    // Edges are most of the file: rendered in parallel blocks, written in order.
    super::render_in_order(&edges, &mut out, flush, |out, i, e| {
        let ty = if e.symmetric && directions != Directions::Directed {
            "undirected"
        } else {
            "directed"
        };
        let ed = edge_decor(decor, e);
        let interval = interval_attrs(dynamic, ed.and_then(|x| x.interval));
        push_edge_open(out, "      ", i, e);
        out.push_str(" type=\"");
        out.push_str(ty);
        out.push_str("\" kind=\"");
        xml_escape_into(out, &e.relation);
        out.push_str("\" label=\"");
        xml_escape_into(out, &e.relation);
        out.push_str("\" weight=\"");
        push_weight(out, e.weight);
        out.push('"');
        out.push_str(&interval);
        out.push_str(">\n");
        out.push_str("        <attvalues>\n");
        attvalue(out, "relation", &e.relation);
        attvalue(out, "symmetric", if e.symmetric { "true" } else { "false" });
        if let Some(s) = e.status {
            attvalue(out, "status", s.as_str());
        }
        if !e.weapons().is_empty() {
            attvalue(out, "weapons", &join(e.weapons()));
        }
        if !e.years().is_empty() {
            attvalue(out, "years", &join(e.years()));
        }
        attvalue(out, "inferred", if e.inferred { "true" } else { "false" });
        attvalue(
            out,
            "evidence_count",
            itoa::Buffer::new().format(e.evidence_total()),
        );
        out.push_str("          <attvalue for=\"evidence\" value=\"");
        write_evidence(out, e, xml_escape_into);
        out.push_str("\"/>\n");
        time_values(out, e.first_seen(), e.last_seen(), e.dates());
        if let (Some(d), Some(ed)) = (decor, ed) {
            for ((name, _), v) in d.edge_keys.iter().zip(&ed.values) {
                if !v.is_empty() {
                    attvalue(out, name, v);
                }
            }
        }
        out.push_str("        </attvalues>\n");
        if timed {
            write_spells(out, e.dates());
        }
        if let Some((r, gg, b)) = ed.and_then(|x| x.rgb) {
            let _ = writeln!(
                out,
                "        <viz:color r=\"{r}\" g=\"{gg}\" b=\"{b}\" a=\"1.0\"/>"
            );
        }
        out.push_str("      </edge>\n");
    })?;
    out.push_str("    </edges>\n  </graph>\n</gexf>\n");
    Ok(out)
}

/// The snapshot's corpus facts as `key=value` pairs joined by `; `, read back by the GEXF
/// reader. The relation mode and generator hold no `;` or `=` (they are written by us).
pub(crate) fn meta_keywords(m: &crate::graph::GraphMeta) -> String {
    format!(
        "generator={}; schema_version={}; documents={}; sentences={}; duplicate_sentences={}; skipped_lines={}; relations={}",
        m.generator,
        m.schema_version,
        m.documents,
        m.sentences,
        m.duplicate_sentences,
        m.skipped_lines,
        m.relations
    )
}

/// `start`/`end` attributes, written only in a dynamic graph.
fn interval_attrs(dynamic: bool, interval: Option<(u32, u32)>) -> String {
    match interval {
        Some((a, b)) if dynamic => format!(" start=\"{a}\" end=\"{b}\""),
        _ => String::new(),
    }
}

fn gexf_type(t: &str) -> &str {
    match t {
        "int" => "integer",
        other => other,
    }
}

fn attributes(out: &mut String, class: &str, attrs: &[(String, String)]) {
    let _ = writeln!(out, "    <attributes class=\"{class}\">");
    for (id, ty) in attrs {
        let _ = writeln!(
            out,
            "      <attribute id=\"{id}\" title=\"{id}\" type=\"{ty}\"/>"
        );
    }
    out.push_str("    </attributes>\n");
}

/// `first_seen`, `last_seen` and `dates` attvalues of a node or edge, when it has them.
fn time_values(
    out: &mut String,
    first: Option<crate::dates::Date>,
    last: Option<crate::dates::Date>,
    dates: &crate::dates::DateCounts,
) {
    if let (Some(f), Some(l)) = (first, last) {
        attvalue(out, "first_seen", &f.to_string());
        attvalue(out, "last_seen", &l.to_string());
    }
    if !dates.is_empty() {
        attvalue(out, "dates", &crate::dates::format_counts(dates));
    }
}

/// One spell per run of consecutive document dates (closed intervals, as GEXF's default).
/// A node or edge without dates gets none: Gephi shows it at every time.
fn write_spells(out: &mut String, dates: &crate::dates::DateCounts) {
    let spells = crate::dates::spells(dates);
    if spells.is_empty() {
        return;
    }
    out.push_str("        <spells>\n");
    for (a, b) in spells {
        let _ = writeln!(out, "          <spell start=\"{a}\" end=\"{b}\"/>");
    }
    out.push_str("        </spells>\n");
}

fn attvalue(out: &mut String, key: &str, value: &str) {
    out.push_str("          <attvalue for=\"");
    out.push_str(key);
    out.push_str("\" value=\"");
    xml_escape_into(out, value);
    out.push_str("\"/>\n");
}
