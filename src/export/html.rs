//! A self-contained interactive HTML view: one file that opens offline in a browser, with
//! the graph embedded as JSON, the evidence as a deflate-compressed block the page unpacks
//! only when a sentence is first asked for, the vendored sigma.js + graphology bundle
//! (`vendor/`) and the UI (`assets/view/`), all compiled into the binary with
//! `include_str!` so nothing is read at run time.
//!
//! Layout of the data block (`<script id="sg-data" type="application/json">`):
//! `nodes` are objects; `edges` are arrays, to keep 50,000 edges small:
//! `[source index, target index, relation index, weight, symmetric, status, weapons, years,
//! evidence total, inferred, decoration]`. `layout` holds the positions silkgraph computed
//! ([`super::layout`]): `{"iterations": n, "xy": [x0, y0, x1, y1, ...]}` in node order, so
//! the page draws the graph laid out at once. The evidence block (`sg-evidence`, base64 of raw
//! deflate) holds `{"docs": [...], "edges": [[[doc index, sentence, start, end, text, rule,
//! resolved], ...], ...]}` in edge order.

use base64::Engine;
use serde::Serialize;

use super::Decoration;
use crate::graph::{GraphMeta, KnowledgeGraph};

const TEMPLATE: &str = include_str!("../../assets/view/view.html");
const CSS: &str = include_str!("../../assets/view/view.css");
const SCRIPT: &str = include_str!("../../assets/view/view.js");
const VENDOR: &str = include_str!("../../vendor/silkgraph-vendor.min.js");

/// Deflate level of the evidence block: 6 is within a few percent of 9 on evidence JSON at
/// a fraction of the time.
const DEFLATE_LEVEL: u8 = 6;

#[derive(Serialize)]
struct ViewData<'a> {
    version: u32,
    meta: &'a GraphMeta,
    relations: Vec<&'a str>,
    /// Decoration attribute names (`diff`, `weight_old`, ...) the `x` values follow.
    node_keys: Vec<&'a str>,
    edge_keys: Vec<&'a str>,
    nodes: Vec<ViewNode<'a>>,
    edges: Vec<ViewEdge<'a>>,
    layout: ViewLayout,
}

#[derive(Serialize)]
struct ViewLayout {
    /// ForceAtlas2 iterations run (0: too few nodes to move).
    iterations: usize,
    /// x and y of node 0, then of node 1, ...: one flat array is the smallest JSON.
    xy: Vec<f64>,
}

#[derive(Serialize)]
struct ViewNode<'a> {
    id: &'a str,
    label: &'a str,
    #[serde(rename = "type")]
    etype: &'a str,
    mentions: u64,
    documents: u64,
    source: &'a str,
    aliases: &'a [String],
    /// Decoration values and colour, when the graph is decorated (a diff).
    #[serde(skip_serializing_if = "Option::is_none")]
    x: Option<ViewDecor<'a>>,
}

#[derive(Serialize)]
struct ViewDecor<'a> {
    values: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    color: Option<String>,
}

type ViewEdge<'a> = (
    usize,
    usize,
    usize,
    u64,
    bool,
    Option<&'static str>,
    &'a [String],
    &'a [u16],
    u64,
    bool,
    Option<ViewDecor<'a>>,
);

/// One evidence entry: document index, sentence, start, end, text, rule, resolved.
type ViewEvidence<'a> = (
    usize,
    usize,
    usize,
    usize,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

#[derive(Serialize)]
struct EvidenceBlock<'a> {
    docs: Vec<&'a str>,
    edges: Vec<Vec<ViewEvidence<'a>>>,
}

fn decor<'a>(d: Option<&'a super::Decor>) -> Option<ViewDecor<'a>> {
    d.map(|d| ViewDecor {
        values: &d.values,
        color: d.rgb.map(super::hex),
    })
}

/// The page for `graph`, decorated (a diff's union graph) or not.
pub fn render(graph: &KnowledgeGraph, decoration: Option<&Decoration>) -> String {
    let nodes = graph.sorted_nodes();
    let edges = graph.sorted_edges();
    let index: std::collections::HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let relations: Vec<&str> = graph.relations().into_iter().collect();
    let rel_index: std::collections::HashMap<&str, usize> =
        relations.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    let ids: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    // The page's ForceAtlas2 edge weight, 1 + ln(weight), so a layout resumed in the page
    // continues this one.
    let layout_edges: Vec<(usize, usize, f64)> = edges
        .iter()
        .map(|e| {
            (
                index[&*e.source],
                index[&*e.target],
                1.0 + (e.weight.max(1) as f64).ln(),
            )
        })
        .collect();
    let laid = super::layout::layout(&ids, &layout_edges);
    let data = ViewData {
        version: 1,
        meta: &graph.meta,
        relations: relations.clone(),
        node_keys: decoration
            .map(|d| d.node_keys.iter().map(|(k, _)| k.as_str()).collect())
            .unwrap_or_default(),
        edge_keys: decoration
            .map(|d| d.edge_keys.iter().map(|(k, _)| k.as_str()).collect())
            .unwrap_or_default(),
        nodes: nodes
            .iter()
            .map(|n| ViewNode {
                id: &n.id,
                label: &n.label,
                etype: n.etype.as_str(),
                mentions: n.mentions,
                documents: n.documents,
                source: n.source.as_str(),
                aliases: &n.aliases,
                x: decor(decoration.and_then(|d| d.nodes.get(&n.id))),
            })
            .collect(),
        edges: edges
            .iter()
            .map(|e| {
                (
                    index[&*e.source],
                    index[&*e.target],
                    rel_index[&*e.relation],
                    e.weight,
                    e.symmetric,
                    e.status.map(|s| s.as_str()),
                    e.weapons(),
                    e.years(),
                    e.evidence_total(),
                    e.inferred,
                    decor(super::edge_decor(decoration, e)),
                )
            })
            .collect(),
        layout: ViewLayout {
            iterations: laid.iterations,
            xy: laid
                .positions
                .iter()
                .flat_map(|&(x, y)| [super::layout::round(x), super::layout::round(y)])
                .collect(),
        },
    };
    let mut docs: Vec<&str> = Vec::new();
    let mut doc_index: std::collections::HashMap<&str, usize> = Default::default();
    let evidence_edges: Vec<Vec<ViewEvidence>> = edges
        .iter()
        .map(|e| {
            e.evidence
                .iter()
                .map(|v| {
                    let d = *doc_index.entry(&v.doc).or_insert_with(|| {
                        docs.push(&v.doc);
                        docs.len() - 1
                    });
                    (
                        d,
                        v.sentence,
                        v.start,
                        v.end,
                        v.text(),
                        v.rule(),
                        v.resolved(),
                    )
                })
                .collect()
        })
        .collect();
    let evidence = EvidenceBlock {
        docs,
        edges: evidence_edges,
    };
    let json = serde_json::to_string(&data).expect("the view data serialises");
    let evidence_json = serde_json::to_vec(&evidence).expect("the evidence serialises");
    let packed = miniz_oxide::deflate::compress_to_vec(&evidence_json, DEFLATE_LEVEL);
    let b64 = base64::engine::general_purpose::STANDARD.encode(packed);
    let title = format!(
        "silkgraph: {} nodes, {} edges",
        graph.node_count(),
        graph.edge_count()
    );
    fill(
        TEMPLATE,
        &[
            ("{{TITLE}}", &super::xml_escape(&title)),
            ("{{CSS}}", CSS),
            ("{{DATA}}", &script_json(&json)),
            ("{{EVIDENCE}}", &b64),
            ("{{VENDOR}}", VENDOR),
            ("{{SCRIPT}}", SCRIPT),
        ],
    )
}

/// `template` with each placeholder replaced once, in one pass (a value is never searched
/// for placeholders, so data that happens to contain `{{SCRIPT}}` stays data).
fn fill(template: &str, parts: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + parts.iter().map(|p| p.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match parts.iter().find(|(k, _)| rest.starts_with(k)) {
            Some((k, v)) => {
                out.push_str(v);
                rest = &rest[k.len()..];
            }
            None => {
                out.push_str("{{");
                rest = &rest[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// JSON made safe inside an HTML `<script>` element: every `<` (which only occurs inside
/// JSON strings) becomes `\u003c`, so neither `</script>` nor `<!--` can end or change the
/// element; U+2028 and U+2029 are escaped too, for readers that treat them as line breaks.
fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::EntityType;
    use crate::graph::{Edge, EdgeFacts, Evidence, Node, NodeSource};
    use std::sync::Arc;

    const HOSTILE: &str =
        "A</script><script>alert(1)</script><!-- \u{2028}\u{2029} {{DATA}} \"q\" \\";

    fn hostile_graph() -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        for (id, label) in [("country:a", HOSTILE), ("country:b", "B")] {
            g.insert_node(Node::new(
                id.into(),
                label.into(),
                EntityType::Country,
                3,
                1,
                NodeSource::Gazetteer,
                vec![label.into(), format!("alias {HOSTILE}")],
            ));
        }
        let ev = Evidence::new(Arc::new(format!("doc{HOSTILE}.txt")), 4, 10, 20).with_detail(
            Some(Arc::from(format!("Text {HOSTILE} end."))),
            Some("rule".into()),
            None,
        );
        g.insert_edge(Edge::from_parts(
            "country:a",
            "country:b",
            "supplies_arms_to",
            false,
            1,
            vec![ev],
            0,
            EdgeFacts::default(),
        ));
        g
    }

    /// The text of the element `<script id="ID" ...>` up to the first `</script`, as a
    /// browser's tokenizer would cut it.
    fn script_text<'a>(html: &'a str, id: &str) -> &'a str {
        let open = html
            .find(&format!("<script id=\"{id}\""))
            .expect("element present");
        let body = open + html[open..].find('>').unwrap() + 1;
        let end = body + html[body..].find("</script").unwrap();
        &html[body..end]
    }

    #[test]
    fn hostile_strings_stay_inside_the_data_block() {
        let html = render(&hostile_graph(), None);
        let data = script_text(&html, "sg-data");
        assert!(!data.contains("<!--") && !data.contains('\u{2028}'));
        let v: serde_json::Value = serde_json::from_str(data).expect("the block is whole JSON");
        assert_eq!(v["nodes"][0]["label"], HOSTILE);
        assert_eq!(v["nodes"][0]["aliases"][1], format!("alias {HOSTILE}"));
        // Exactly the page's own script elements close: none from the data.
        assert_eq!(html.matches("</script").count(), 4);
    }

    #[test]
    fn evidence_block_inflates_to_the_evidence() {
        let html = render(&hostile_graph(), None);
        let b64 = script_text(&html, "sg-evidence").trim();
        let packed = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let raw = miniz_oxide::inflate::decompress_to_vec(&packed).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        assert_eq!(v["docs"][0], format!("doc{HOSTILE}.txt"));
        assert_eq!(v["edges"][0][0][1], 4);
        assert_eq!(v["edges"][0][0][4], format!("Text {HOSTILE} end."));
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(
            render(&hostile_graph(), None),
            render(&hostile_graph(), None)
        );
    }

    #[test]
    fn fill_does_not_expand_placeholders_inside_values() {
        assert_eq!(
            fill("a{{X}}b{{Y}}c{{", &[("{{X}}", "{{Y}}"), ("{{Y}}", "y")]),
            "a{{Y}}byc{{"
        );
    }
}
