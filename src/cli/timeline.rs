//! `silkgraph timeline`: an entity's edges per month, quarter or year.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use silkgraph::timeline::{self, Granularity};

use super::input::open_graph;
use super::io::Output;
use super::{load_pipeline, GazetteerArgs, ReportFormat};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    Month,
    Quarter,
    Year,
}

#[derive(Args)]
pub struct TimelineArgs {
    /// A graph written by `extract` (.json, .graphml, .gexf) from a dated corpus, or a corpus
    /// path (extracted on the fly)
    graph: PathBuf,
    /// The entity: any alias, id or label, case-insensitive
    entity: String,
    /// Period length
    #[arg(long, value_enum, default_value_t = By::Month)]
    by: By,
    /// Only these relations (repeatable)
    #[arg(long = "relation", value_name = "R")]
    relations: Vec<String>,
    /// Only dates in this window: YYYY, YYYY-MM, YYYY-Qn, a date, or A..B of those
    #[arg(long, value_name = "WINDOW", value_parser = super::diff::window_parser)]
    window: Option<silkgraph::dates::Window>,
    /// Text: at most this many relation rows under each period (0: all)
    #[arg(long, default_value_t = 10, value_name = "N")]
    rows: usize,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

pub fn run(a: TimelineArgs) -> Result<ExitCode> {
    let p = load_pipeline(&a.gazetteer)?;
    let g = open_graph(&p, &a.graph)?;
    let known = g.relations();
    for r in &a.relations {
        if !known.contains(r.as_str()) && p.rules.relations().iter().all(|d| &d.name != r) {
            anyhow::bail!(
                "unknown relation {r:?}; the graph has: {}",
                known.iter().copied().collect::<Vec<_>>().join(", ")
            );
        }
    }
    let id = silkgraph::query::resolve_entity(&g, Some(&p.gazetteer), &a.entity)?;
    let by = match a.by {
        By::Month => Granularity::Month,
        By::Quarter => Granularity::Quarter,
        By::Year => Granularity::Year,
    };
    let t = timeline::timeline(&g, &id, by, &a.relations, a.window);
    if t.periods.is_empty() && !silkgraph::dates::graph_is_dated(&g) {
        anyhow::bail!(
            "{} has no dates: extract a dated corpus (JSONL \"date\", datelines, --date-from-filename)",
            a.graph.display()
        );
    }
    let mut out = Output::stdout();
    match a.format {
        ReportFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&t)?)?,
        ReportFormat::Text => write!(out, "{}", timeline::render_text(&t, 40, a.rows))?,
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}
