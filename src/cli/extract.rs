//! `silkgraph extract`: a corpus to a graph file.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use silkgraph::corpus;
use silkgraph::export::{self, ExportOptions, Format};
use silkgraph::pipeline::{ExtractOptions, RelationMode};

use super::{load_pipeline, set_threads, GazetteerArgs};

#[derive(Args)]
pub struct ExtractArgs {
    /// Files, directories (recursive: .txt .md .text .jsonl) or - for stdin
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output file (format from its extension unless --format); stdout when absent
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Output format (default: from the -o extension, else graphml)
    #[arg(short, long, value_enum)]
    format: Option<Format>,
    /// Which edges to write
    #[arg(long, value_enum, default_value_t = RelationMode::All)]
    relations: RelationMode,
    /// Drop co-occurrence edges supported by fewer distinct sentences than this
    #[arg(long, default_value_t = 1, value_name = "N")]
    min_weight: u64,
    /// Read text files longer than twice this many bytes in parts of about this size, cut
    /// at blank lines, analysed in parallel (a reference does not reach across a cut)
    #[arg(long, default_value_t = silkgraph::corpus::PART_BYTES as u64, value_name = "BYTES",
          value_parser = clap::value_parser!(u64).range(1024..))]
    part_bytes: u64,
    /// Keep at most N evidence entries per edge (the first in corpus order); weights still
    /// count every supporting sentence, and the exports give the total
    #[arg(long, default_value_t = silkgraph::graph::DEFAULT_MAX_EVIDENCE, value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    max_evidence: usize,
    /// GraphML: write every edge directed (symmetric ones marked symmetric=true), for networkx
    #[arg(long)]
    graphml_directed_only: bool,
    /// Worker threads (default: all cores)
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// No progress bar, no summary
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

pub fn run(a: ExtractArgs) -> Result<ExitCode> {
    set_threads(a.threads)?;
    let format = a
        .format
        .or_else(|| a.output.as_deref().and_then(Format::from_path))
        .unwrap_or(Format::Graphml);
    let started = std::time::Instant::now();
    let pipeline = load_pipeline(&a.gazetteer)?;
    let sources = corpus::collect_sources(&a.paths).context("cannot read the corpus")?;
    let total: u64 = sources
        .iter()
        .filter_map(|s| match s {
            corpus::Source::Text { path, .. } | corpus::Source::Jsonl { path, .. } => {
                std::fs::metadata(path).ok().map(|m| m.len())
            }
            corpus::Source::Stdin => None,
        })
        .sum();
    let bar = progress_bar(a.quiet, total);
    let options = ExtractOptions {
        relations: a.relations,
        min_weight: a.min_weight,
        part_bytes: Some(a.part_bytes as usize),
        max_evidence: Some(a.max_evidence),
    };
    let (graph, report) = pipeline
        .extract(
            &sources,
            &options,
            |w| {
                let line = format!("silkgraph: warning: {w}");
                match &bar {
                    Some(b) => b.println(line),
                    None => eprintln!("{line}"),
                }
            },
            |bytes| {
                if let Some(b) = &bar {
                    b.set_position(bytes);
                }
            },
        )
        .context("extraction failed")?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let opts = ExportOptions {
        graphml_directed_only: a.graphml_directed_only,
    };
    match &a.output {
        Some(path) => {
            export::write_atomic_with(path, |w| export::write_to(&graph, format, &opts, w))
                .with_context(|| format!("cannot write {}", path.display()))?
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            export::write_to(&graph, format, &opts, &mut out)?;
            out.flush()?;
        }
    }
    if !a.quiet {
        let secs = started.elapsed().as_secs_f64();
        let skipped = if report.skipped_by_rule.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                report
                    .skipped_by_rule
                    .iter()
                    .map(|(r, n)| format!("{r} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        eprintln!(
            "silkgraph: {} documents, {} sentences ({} duplicates counted once), {} mentions; skipped {} boilerplate lines{}; graph {} nodes, {} edges{}; {:.2} s",
            report.documents,
            report.sentences,
            report.duplicate_sentences,
            report.mentions,
            report.skipped_lines,
            skipped,
            graph.node_count(),
            graph.edge_count(),
            a.output
                .as_deref()
                .map(|p| format!(" -> {}", p.display()))
                .unwrap_or_default(),
            secs
        );
    }
    // The process ends here: freeing the graph and the pipeline piece by piece would only
    // delay the exit (the system takes the memory back at once).
    std::mem::forget(graph);
    std::mem::forget(pipeline);
    Ok(ExitCode::SUCCESS)
}

fn progress_bar(quiet: bool, total: u64) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total.max(1));
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec}",
        )
        .ok()?,
    );
    // Only show up for runs longer than a second.
    bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    let shown = bar.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(1));
        if !shown.is_finished() {
            shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    });
    Some(bar)
}
