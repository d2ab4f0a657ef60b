//! `silkgraph extract`: a corpus to a graph file.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use silkgraph::corpus;
use silkgraph::export::{ExportOptions, Format};

use super::input::{corpus_sources, no_document};
use super::io::{graph_outputs, write_graph};
use silkgraph::pipeline::{ExtractOptions, RelationMode};

use super::{load_pipeline, set_threads, GazetteerArgs};

#[derive(Args)]
pub struct ExtractArgs {
    /// Files, directories (recursive: .txt .md .text .jsonl, web pages .html .htm, web
    /// archives .warc .warc.gz; any case) or - for stdin; a file named *.parquet is read as
    /// a table of documents (see --text-column)
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output file (format from its extension unless --format), a device, or - for stdout
    /// (the default). CSV: `-o NAME.csv` writes NAME.nodes.csv and NAME.edges.csv, `-o DIR/`
    /// DIR/nodes.csv and DIR/edges.csv
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
    /// at blank lines, analysed in parallel (a reference does not reach across a cut);
    /// 1024 to 1073741824 (1 GiB)
    #[arg(long, default_value_t = silkgraph::corpus::PART_BYTES as u64, value_name = "BYTES",
          value_parser = clap::value_parser!(u64).range(1024..=1 << 30))]
    part_bytes: u64,
    /// Keep at most N evidence entries per edge (the first by document id, sentence and
    /// position); weights still count every supporting sentence, and the exports give the total
    #[arg(long, default_value_t = silkgraph::graph::DEFAULT_MAX_EVIDENCE, value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    max_evidence: usize,
    /// GraphML and GEXF: write symmetric relations as undirected edges of a mixed graph, as
    /// Gephi draws them (networkx cannot read such files; igraph makes the edges directed).
    /// By default every edge is directed and symmetric ones carry symmetric=true
    #[arg(long)]
    mixed_directions: bool,
    /// The default since every edge is directed unless --mixed-directions; kept for scripts
    #[arg(long, hide = true, conflicts_with = "mixed_directions")]
    graphml_directed_only: bool,
    /// Keep only documents dated on or after this day (DATE, or YYYY, YYYY-MM, YYYY-Qn for
    /// the period's first day); undated documents are left out (and counted) with a window
    #[arg(long, value_name = "DATE", value_parser = window_start)]
    since: Option<silkgraph::dates::Date>,
    /// Keep only documents dated on or before this day (DATE, or a period's last day)
    #[arg(long, value_name = "DATE", value_parser = window_end)]
    until: Option<silkgraph::dates::Date>,
    /// Date a document without a date of its own by its file name (2024-02-23-x.txt,
    /// 20240223_x.txt)
    #[arg(long)]
    date_from_filename: bool,
    /// With --relations typed: keep the entities no typed relation names (dropped by default)
    #[arg(long)]
    keep_isolated: bool,
    /// Write a JSON snapshot that `silkgraph merge` can combine exactly with those of other
    /// parts of the corpus: it adds sentence and document keys, and --min-weight and
    /// --relations typed's node filter wait for the merge
    #[arg(long)]
    mergeable: bool,
    /// Parquet inputs (files named *.parquet; needs the cargo feature `parquet`): the string
    /// column holding each document's text
    #[arg(long, default_value = corpus::PARQUET_TEXT_COLUMN, value_name = "COLUMN")]
    text_column: String,
    /// Parquet inputs: the column holding each document's id (rows without one are numbered
    /// FILE#ROW, as JSONL lines without an id are)
    #[arg(long, default_value = corpus::PARQUET_ID_COLUMN, value_name = "COLUMN")]
    id_column: String,
    /// Worker threads, 1 to 256 (default: all cores)
    #[arg(long, value_name = "N", value_parser = super::threads_parser())]
    threads: Option<usize>,
    /// No progress bar, no summary
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

pub fn run(a: ExtractArgs) -> Result<ExitCode> {
    set_threads(a.threads)?;
    let started = std::time::Instant::now();
    // The output is checked (and its temp file made) before anything is read.
    let inputs: Vec<&Path> = a.paths.iter().map(PathBuf::as_path).collect();
    let file_out = a.output.as_deref().filter(|p| p.as_os_str() != "-");
    let csv = match a.format {
        Some(f) => f == Format::Csv,
        None => file_out.and_then(Format::from_path) == Some(Format::Csv),
    };
    // CSV is two tables, each an output of its own with the same checks.
    let outs = graph_outputs(csv, a.output.as_deref(), &inputs)?;
    let format = match a.format {
        Some(f) => f,
        None if csv => Format::Csv,
        None if outs[0].is_file() => {
            let path = outs[0].path().expect("a file has a path");
            Format::from_path(path).ok_or_else(|| unknown_format(path))?
        }
        None => Format::Graphml,
    };
    if a.mergeable && format != Format::Json {
        anyhow::bail!(
            "--mergeable writes a JSON snapshot: name the output .json or give --format json"
        );
    }
    let pipeline = load_pipeline(&a.gazetteer)?;
    let (mut sources, skipped) = corpus_sources(&a.paths)?;
    for s in &mut sources {
        if let corpus::Source::Parquet {
            text_column,
            id_column,
            ..
        } = s
        {
            text_column.clone_from(&a.text_column);
            id_column.clone_from(&a.id_column);
        }
    }
    let total: u64 = sources
        .iter()
        .filter_map(|s| std::fs::metadata(s.path()?).ok().map(|m| m.len()))
        .sum();
    let bar = progress_bar(a.quiet, total);
    let options = ExtractOptions {
        relations: a.relations,
        min_weight: a.min_weight,
        part_bytes: Some(a.part_bytes as usize),
        max_evidence: Some(a.max_evidence),
        keep_isolated: a.keep_isolated,
        mergeable: a.mergeable,
        since: a.since,
        until: a.until,
        date_from_filename: a.date_from_filename,
    };
    if let (Some(s), Some(u)) = (a.since, a.until) {
        anyhow::ensure!(
            s <= u,
            "--since {s} is after --until {u}: the window is empty"
        );
    }
    let (graph, report) = pipeline
        .extract(
            &sources,
            &options,
            |w| {
                let line = format!("silkgraph: warning: {w}");
                match &bar {
                    Some(b) => b.println(line),
                    None => warn_line!("{line}"),
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
    // Replacing the previous output with an empty graph would lose it for nothing.
    if report.documents == 0 && report.undated_excluded + report.outside_window > 0 {
        anyhow::bail!(
            "no document in the window: {} dated outside it, {} undated (a window leaves undated documents out)",
            report.outside_window,
            report.undated_excluded
        );
    }
    if report.documents == 0 {
        return Err(no_document(&skipped, true));
    }
    let opts = ExportOptions {
        mixed_directions: a.mixed_directions,
    };
    let shown = write_graph(&graph, csv, format, &opts, outs)?;
    let shown = (!shown.is_empty()).then(|| format!(" -> {}", shown.join(", ")));
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
        let window = if a.since.is_some() || a.until.is_some() {
            format!(
                "; window {}: left out {} dated outside and {} undated",
                silkgraph::dates::Window {
                    from: a.since,
                    to: a.until
                },
                report.outside_window,
                report.undated_excluded
            )
        } else {
            String::new()
        };
        let dated = if report.dated > 0 {
            format!(" ({} dated)", report.dated)
        } else {
            String::new()
        };
        warn_line!(
            "silkgraph: {} documents{dated}, {} sentences ({} duplicates counted once), {} mentions; skipped {} boilerplate lines{}; graph {} nodes, {} edges{} (about {} MB in memory){window}; {:.2} s",
            report.documents,
            report.sentences,
            report.duplicate_sentences,
            report.mentions,
            report.skipped_lines,
            skipped,
            graph.node_count(),
            graph.edge_count(),
            shown.unwrap_or_default(),
            (graph.heap_bytes() as f64 / 1e6).round(),
            secs
        );
    }
    // The process ends here: freeing the graph and the pipeline piece by piece would only
    // delay the exit (the system takes the memory back at once).
    std::mem::forget(graph);
    std::mem::forget(pipeline);
    Ok(ExitCode::SUCCESS)
}

/// The error for an output whose extension names no format: the formats are listed from
/// [`Format`] itself, so a new format shows up here by itself.
pub(super) fn unknown_format(path: &Path) -> anyhow::Error {
    use clap::ValueEnum;
    let names: Vec<String> = Format::value_variants()
        .iter()
        .filter_map(|f| f.to_possible_value())
        .map(|v| v.get_name().to_string())
        .collect();
    anyhow::anyhow!(
        "cannot tell the output format of {} from its extension: name the file .{} or give \
         --format {}",
        path.display(),
        names.join(", ."),
        names.join("|")
    )
}

fn window_start(s: &str) -> Result<silkgraph::dates::Date, String> {
    silkgraph::dates::parse_period(s)
        .map(|p| p.0)
        .ok_or_else(|| period_error(s))
}

fn window_end(s: &str) -> Result<silkgraph::dates::Date, String> {
    silkgraph::dates::parse_period(s)
        .map(|p| p.1)
        .ok_or_else(|| period_error(s))
}

fn period_error(s: &str) -> String {
    format!("not a date or period: {s:?} (give 2024-02-23, Feb 23, 2024, 2024, 2024-02 or 2024-Q1)")
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
