//! `silkgraph stats`: counts, top actors, strongest typed edges.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::input::open_graph;
use super::io::Output;
use super::{load_pipeline, GazetteerArgs, ReportFormat};

#[derive(Args)]
pub struct StatsArgs {
    /// A .json, .graphml or .gexf written by `extract`, or a corpus path
    graph: PathBuf,
    /// How many top actors and strongest edges to list
    #[arg(long, default_value_t = 10)]
    top: usize,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

pub fn run(a: StatsArgs) -> Result<ExitCode> {
    let p = load_pipeline(&a.gazetteer)?;
    let g = open_graph(&p, &a.graph)?;
    let s = silkgraph::query::stats(&g, a.top);
    let mut out = Output::stdout();
    if a.format == ReportFormat::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(&s)?)?;
        out.finish()?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{} documents, {} sentences; {} nodes, {} edges",
        s.documents, s.sentences, s.nodes, s.edges
    )?;
    writeln!(out, "\nnodes by type")?;
    for (t, n) in &s.nodes_by_type {
        writeln!(out, "  {t:<16}{n:>7}")?;
    }
    writeln!(out, "\nedges by relation")?;
    for (r, n) in &s.edges_by_relation {
        writeln!(out, "  {r:<18}{n:>7}")?;
    }
    writeln!(out, "\ntop actors by weighted degree")?;
    writeln!(
        out,
        "  {:<34} {:<13} {:>8} {:>7} {:>9}",
        "actor", "type", "w.degree", "typed", "mentions"
    )?;
    for t in &s.top_actors {
        writeln!(
            out,
            "  {:<34} {:<13} {:>8} {:>7} {:>9}",
            t.label,
            t.etype.as_str(),
            t.weighted_degree,
            t.typed_edges,
            t.mentions
        )?;
    }
    writeln!(out, "\nstrongest typed edges")?;
    for e in &s.strongest_typed_edges {
        let arrow = if e.symmetric { "--" } else { "->" };
        let mut extra = String::new();
        if let Some(st) = e.status {
            extra.push_str(&format!(" status={}", st.as_str()));
        }
        if !e.weapons.is_empty() {
            extra.push_str(&format!(" weapons={}", e.weapons.join(",")));
        }
        writeln!(
            out,
            "  {:>3}  {} {} {} [{}]{}",
            e.weight, e.source, arrow, e.target, e.relation, extra
        )?;
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}
