//! `silkgraph unmatched`: capitalised phrases the gazetteer did not tag.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use super::input::{corpus_sources, gives_a_document, no_document};
use super::io::Output;
use super::{load_pipeline, GazetteerArgs, ReportFormat};

#[derive(Args)]
pub struct UnmatchedArgs {
    /// Files, directories or - for stdin
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Only phrases seen in at least this many distinct sentences
    #[arg(long, default_value_t = 1, value_name = "N")]
    min_count: u64,
    /// At most this many rows (0: all)
    #[arg(long, default_value_t = 50, value_name = "N")]
    limit: usize,
    /// Only `name` or `designation` rows
    #[arg(long, value_name = "KIND", value_parser = ["name", "designation"])]
    kind: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

pub fn run(a: UnmatchedArgs) -> Result<ExitCode> {
    let p = load_pipeline(&a.gazetteer)?;
    let (sources, skipped) = corpus_sources(&a.paths)?;
    let mut rows = silkgraph::unmatched::find_unmatched(&p, &sources, |w| {
        warn_line!("silkgraph: warning: {w}")
    })
    .context("cannot read the corpus")?;
    // No row: an empty table, or a corpus that gave no document (every file empty or binary)?
    if rows.is_empty() && !gives_a_document(&sources)? {
        return Err(no_document(&skipped, true));
    }
    rows.retain(|r| r.count >= a.min_count && a.kind.as_deref().is_none_or(|k| k == r.kind));
    if a.limit > 0 {
        rows.truncate(a.limit);
    }
    let mut out = Output::stdout();
    if a.format == ReportFormat::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
    } else {
        writeln!(
            out,
            "{:>6}  {:<12} {:<40} example",
            "count", "kind", "phrase"
        )?;
        for r in &rows {
            let mut ex: String = r.example.chars().take(110).collect();
            if ex.len() < r.example.len() {
                ex.push('…');
            }
            writeln!(
                out,
                "{:>6}  {:<12} {:<40} {}#{}: {}",
                r.count, r.kind, r.phrase, r.example_doc, r.example_sentence, ex
            )?;
        }
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}
