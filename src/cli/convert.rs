//! `silkgraph convert`: a graph file silkgraph wrote (JSON snapshot, GraphML, GEXF) to any
//! export format, e.g. the interactive HTML view of a graph extracted earlier.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;
use silkgraph::export::{self, ExportOptions, Format};

use super::input::{sniff, GraphKind};
use super::io::{graph_outputs, write_graph};

#[derive(Args)]
pub struct ConvertArgs {
    /// A .json snapshot, .graphml or .gexf written by silkgraph (told by extension, else by
    /// its first bytes)
    #[arg(value_name = "GRAPH")]
    graph: PathBuf,
    /// Output file (format from its extension unless --format), a device, or - for stdout
    /// (the default). CSV: `-o NAME.csv` or `-o DIR/`, as for extract
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Output format (default: from the -o extension, else graphml)
    #[arg(short, long, value_enum)]
    format: Option<Format>,
    /// GraphML and GEXF: symmetric relations as undirected edges (see extract)
    #[arg(long)]
    mixed_directions: bool,
    /// No summary
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(a: ConvertArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let file_out = a.output.as_deref().filter(|p| p.as_os_str() != "-");
    let format = match (a.format, file_out) {
        (Some(f), _) => f,
        (None, Some(p)) => Format::from_path(p).ok_or_else(|| super::extract::unknown_format(p))?,
        (None, None) => Format::Graphml,
    };
    // The output is checked (and its temp file made) before the input is read; a failed
    // read drops it, leaving no file (and an existing one untouched).
    let inputs = [a.graph.as_path()];
    let outs = graph_outputs(format == Format::Csv, a.output.as_deref(), &inputs)?;
    let graph = load(&a.graph)?;
    let opts = ExportOptions {
        mixed_directions: a.mixed_directions,
    };
    let shown = write_graph(&graph, format == Format::Csv, format, &opts, outs)?;
    if !a.quiet {
        warn_line!(
            "silkgraph: {}: graph {} nodes, {} edges{}; {:.2} s",
            a.graph.display(),
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

/// Read a graph file; a corpus (a directory, article text, stdin) is refused: `extract`
/// turns those into graphs.
fn load(path: &Path) -> Result<silkgraph::graph::KnowledgeGraph> {
    // The library's errors name the file already.
    match sniff(path)? {
        GraphKind::Snapshot => Ok(export::load_snapshot(path)?),
        GraphKind::GraphMl | GraphKind::Gexf | GraphKind::Xml => {
            let file = std::fs::File::open(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Ok(export::read_xml(
                path,
                std::io::BufReader::with_capacity(1 << 16, file),
            )?)
        }
        GraphKind::Corpus => bail!(
            "cannot convert {}: not a graph file (a .json snapshot, .graphml or .gexf written by \
             silkgraph); `silkgraph extract` turns a corpus into a graph",
            path.display()
        ),
    }
}
