//! DOT for graphviz: one colour and shape per entity type, `dir=none` for symmetric
//! relations, labels on typed edges only (co-occurrence would drown the picture).

use std::fmt::Write;

use super::{hex, type_rgb};
use crate::gazetteer::EntityType;
use crate::graph::{KnowledgeGraph, CO_OCCURS_WITH};

/// Quote a DOT string: escape `\` and `"`, turn line breaks into `\n`, drop control chars.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn shape(t: EntityType) -> &'static str {
    match t {
        EntityType::Country => "ellipse",
        EntityType::Organization => "box",
        EntityType::Corridor => "hexagon",
        EntityType::Weapon => "diamond",
        EntityType::Place => "house",
    }
}

pub fn render(g: &KnowledgeGraph) -> String {
    let mut out = String::with_capacity(1 << 16);
    out.push_str("digraph silkgraph {\n");
    // Large graphs get the force-directed sfdp engine (graph attribute `layout`, honoured by
    // `dot -Tsvg` too) and straight edges: spline routing took graphviz 8 minutes on the
    // 1,000-edge seed graph, sfdp with straight edges 0.2 s.
    if g.edge_count() > 200 {
        out.push_str("  graph [overlap=false, layout=sfdp];\n");
    } else {
        out.push_str("  graph [overlap=false];\n");
    }
    out.push_str("  node [style=filled, fontname=\"Helvetica\", fontcolor=\"white\"];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for n in g.sorted_nodes() {
        let _ = writeln!(
            out,
            "  {} [label={}, shape={}, fillcolor=\"{}\", type=\"{}\", mentions={}, source=\"{}\", aliases={}];",
            quote(&n.id),
            quote(&n.label),
            shape(n.etype),
            hex(type_rgb(n.etype)),
            n.etype,
            n.mentions,
            n.source.as_str(),
            quote(&n.aliases.join("; "))
        );
    }
    for e in g.sorted_edges() {
        let mut attrs = vec![
            format!("relation={}", quote(&e.relation)),
            format!("weight={}", e.weight),
            format!("penwidth={:.2}", 1.0 + (e.weight as f64).ln()),
        ];
        if &*e.relation == CO_OCCURS_WITH {
            attrs.push("color=\"#bbbbbb\"".into());
        } else {
            attrs.push(format!("label={}", quote(&e.relation)));
        }
        if e.symmetric {
            attrs.push("dir=none".into());
        }
        let _ = writeln!(
            out,
            "  {} -> {} [{}];",
            quote(&e.source),
            quote(&e.target),
            attrs.join(", ")
        );
    }
    out.push_str("}\n");
    out
}
