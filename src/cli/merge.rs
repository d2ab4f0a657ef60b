//! `silkgraph merge`: mergeable JSON snapshots of disjoint parts of a corpus to the graph of
//! the whole, as `extract` would have written it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;
use silkgraph::export::{self, ExportOptions, Format};
use silkgraph::merge::Merger;

use super::io::{graph_outputs, write_graph};

#[derive(Args)]
pub struct MergeArgs {
    /// JSON snapshots written by `extract --mergeable` (or `merge --mergeable`)
    #[arg(required = true, value_name = "PART.json")]
    parts: Vec<PathBuf>,
    /// Output file (format from its extension unless --format), or - for stdout (the default).
    /// CSV: `-o NAME.csv` or `-o DIR/`, as for extract
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Output format (default: from the -o extension, else json)
    #[arg(short, long, value_enum)]
    format: Option<Format>,
    /// Write a snapshot that can be merged again (keys kept, filters not applied yet): the
    /// inner steps of a reduce tree
    #[arg(long)]
    mergeable: bool,
    /// GraphML and GEXF: symmetric relations as undirected edges (see extract)
    #[arg(long)]
    mixed_directions: bool,
    /// No summary
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(a: MergeArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let inputs: Vec<&Path> = a.parts.iter().map(PathBuf::as_path).collect();
    let file_out = a.output.as_deref().filter(|p| p.as_os_str() != "-");
    let format = match (a.format, file_out) {
        (Some(f), _) => f,
        (None, Some(p)) => Format::from_path(p).with_context(|| {
            format!(
                "cannot tell the output format of {} from its extension",
                p.display()
            )
        })?,
        (None, None) => Format::Json,
    };
    if a.mergeable && format != Format::Json {
        bail!("--mergeable writes a JSON snapshot: name the output .json or give --format json");
    }
    let outs = graph_outputs(format == Format::Csv, a.output.as_deref(), &inputs)?;
    // One part in memory at a time beside the merged graph.
    let mut merger = Merger::default();
    let mut first: Option<(&Path, String)> = None;
    for path in &a.parts {
        let g = export::load_snapshot(path)
            .with_context(|| format!("cannot merge {}", path.display()))?;
        let Some(keys) = g.merge_keys.as_deref() else {
            bail!(
                "cannot merge {}: it has no merge keys (write the parts with `silkgraph extract --mergeable`)",
                path.display()
            );
        };
        match &first {
            None => first = Some((path, keys.fingerprint.clone())),
            Some((p0, f0)) if *f0 != keys.fingerprint => bail!(
                "cannot merge {} with {}: they were extracted with different gazetteers, rules, program versions or options (fingerprints {} and {})",
                p0.display(),
                path.display(),
                f0,
                keys.fingerprint
            ),
            Some(_) => {}
        }
        merger
            .add(g)
            .with_context(|| format!("cannot merge {}", path.display()))?;
    }
    let mut graph = merger.finish()?;
    if !a.mergeable {
        silkgraph::merge::finish(&mut graph);
    }
    let opts = ExportOptions {
        mixed_directions: a.mixed_directions,
    };
    let shown = write_graph(&graph, format == Format::Csv, format, &opts, outs)?;
    if !a.quiet {
        warn_line!(
            "silkgraph: merged {} parts: {} documents, graph {} nodes, {} edges{}; {:.2} s",
            a.parts.len(),
            graph.meta.documents,
            graph.node_count(),
            graph.edge_count(),
            if shown.is_empty() {
                String::new()
            } else {
                format!(" -> {}", shown.join(", "))
            },
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}
