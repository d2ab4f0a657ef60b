//! CSV for spreadsheets, pandas and Gephi's spreadsheet import: a nodes table and an edges
//! table, RFC 4180 quoting (the `csv` crate).
//!
//! Gephi matches the first columns by name (case-insensitively): nodes `Id`, `Label`; edges
//! `Source`, `Target`, `Type` (`Directed` or `Undirected`), `Kind` (the edge type, which
//! keeps typed parallel edges apart), `Id`, `Label`, `Weight`. The other columns become
//! attributes. Lists (weapons, years, evidence) are `; `-joined strings, as in GraphML.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{hex, join, node_size, type_rgb, write_evidence};
use crate::graph::KnowledgeGraph;

pub(crate) const NODE_COLUMNS: &[&str] = &[
    "Id",
    "Label",
    "type",
    "mentions",
    "documents",
    "color",
    "size",
];

pub(crate) const EDGE_COLUMNS: &[&str] = &[
    "Source",
    "Target",
    "Type",
    "Kind",
    "Id",
    "Label",
    "Weight",
    "relation",
    "symmetric",
    "status",
    "weapons",
    "years",
    "inferred",
    "evidence_count",
    "evidence",
];

/// Where `-o OUT` puts the two tables: `OUT/nodes.csv` and `OUT/edges.csv` when OUT is a
/// directory (existing, or written with a trailing `/`), else `STEM.nodes.csv` and
/// `STEM.edges.csv` beside it (`-o out/graph.csv` → `out/graph.nodes.csv`, ...).
pub fn csv_paths(out: &Path) -> (PathBuf, PathBuf) {
    let as_dir = out.is_dir() || out.as_os_str().to_string_lossy().ends_with(['/', '\\']);
    if as_dir {
        return (out.join("nodes.csv"), out.join("edges.csv"));
    }
    let stem = match out.extension() {
        Some(x) if x.eq_ignore_ascii_case("csv") => out.with_extension(""),
        _ => out.to_path_buf(),
    };
    let with = |suffix: &str| {
        let mut s = stem.clone().into_os_string();
        s.push(suffix);
        PathBuf::from(s)
    };
    (with(".nodes.csv"), with(".edges.csv"))
}

pub fn write_nodes(g: &KnowledgeGraph, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(NODE_COLUMNS)?;
    for n in g.sorted_nodes() {
        out.write_record([
            n.id.as_str(),
            &n.label,
            n.etype.as_str(),
            &n.mentions.to_string(),
            &n.documents.to_string(),
            &hex(type_rgb(n.etype)),
            &node_size(n.mentions).to_string(),
        ])?;
    }
    out.flush()
}

pub fn write_edges(g: &KnowledgeGraph, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(EDGE_COLUMNS)?;
    let mut evidence = String::new();
    for (i, e) in g.sorted_edges().into_iter().enumerate() {
        evidence.clear();
        write_evidence(&mut evidence, e, |o, d| o.push_str(d));
        out.write_record([
            &*e.source,
            &e.target,
            if e.symmetric {
                "Undirected"
            } else {
                "Directed"
            },
            &e.relation,
            &format!("e{i}"),
            &e.relation,
            &e.weight.to_string(),
            &e.relation,
            if e.symmetric { "true" } else { "false" },
            e.status.map(|s| s.as_str()).unwrap_or(""),
            &e.weapons().join("; "),
            &join(e.years()),
            if e.inferred { "true" } else { "false" },
            &e.evidence_total().to_string(),
            &evidence,
        ])?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_for_a_file_and_a_directory() {
        let p = |s: &str| csv_paths(Path::new(s));
        assert_eq!(
            p("out/graph.csv"),
            ("out/graph.nodes.csv".into(), "out/graph.edges.csv".into())
        );
        assert_eq!(
            p("graph.CSV"),
            ("graph.nodes.csv".into(), "graph.edges.csv".into())
        );
        assert_eq!(
            p("tables/"),
            ("tables/nodes.csv".into(), "tables/edges.csv".into())
        );
        let d = tempfile::tempdir().unwrap();
        assert_eq!(csv_paths(d.path()).0, d.path().join("nodes.csv"));
    }
}
