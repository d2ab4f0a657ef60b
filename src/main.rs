//! The `silkgraph` command line: a thin clap layer over the commands in `cli/`.

/// `eprintln!` that ignores a closed or full standard error (`eprintln!` panics there):
/// warnings and messages are lost then, but the run ends as it would have.
macro_rules! warn_line {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod cli;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "silkgraph", version, about = "Turn geopolitical news text into a typed knowledge graph", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract the knowledge graph of a corpus and write it as GraphML, GEXF, DOT or JSON
    Extract(cli::extract::ExtractArgs),
    /// Print one JSON line per sentence with its mentions (the matcher's debugging view)
    Tag(cli::tag::TagArgs),
    /// Show why edges exist: mentions, cues and the relations each rule produced
    Explain(cli::explain::ExplainArgs),
    /// List an actor's neighbors, how they are related, and the sentences that say so
    Neighbors(cli::neighbors::NeighborsArgs),
    /// Convert a graph file (JSON snapshot, GraphML, GEXF) to another format, e.g. the HTML view
    Convert(cli::convert::ConvertArgs),
    /// Compare two graphs (snapshots or corpora): exit 0 when equal, 1 when different
    Diff(cli::diff::DiffArgs),
    /// Merge JSON snapshots of disjoint parts of a corpus (extract --mergeable) into the graph of the whole
    Merge(cli::merge::MergeArgs),
    /// An entity's edges per month, quarter or year in a dated graph, with counts
    Timeline(cli::timeline::TimelineArgs),
    /// Summarise a graph: counts, top actors, strongest typed edges
    Stats(cli::stats::StatsArgs),
    /// List capitalised phrases and designations the gazetteer did not tag, by frequency
    Unmatched(cli::unmatched::UnmatchedArgs),
    /// Inspect and validate gazetteers
    #[command(subcommand)]
    Gazetteer(cli::gazetteer::GazetteerCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            warn_line!("silkgraph: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Extract(a) => cli::extract::run(a),
        Command::Tag(a) => cli::tag::run(a),
        Command::Gazetteer(c) => cli::gazetteer::run(c),
        Command::Explain(a) => cli::explain::run(a),
        Command::Neighbors(a) => cli::neighbors::run(a),
        Command::Convert(a) => cli::convert::run(a),
        Command::Diff(a) => cli::diff::run(a),
        Command::Merge(a) => cli::merge::run(a),
        Command::Stats(a) => cli::stats::run(a),
        Command::Timeline(a) => cli::timeline::run(a),
        Command::Unmatched(a) => cli::unmatched::run(a),
    }
}
