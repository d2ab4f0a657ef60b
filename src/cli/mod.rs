//! The commands, one module each, and what they share: the gazetteer options, the report
//! format, option ranges, where inputs are opened ([`input`]) and outputs written ([`io`]).

pub mod convert;
pub mod diff;
pub mod explain;
pub mod extract;
pub mod gazetteer;
pub mod input;
pub mod io;
pub mod merge;
pub mod neighbors;
pub mod stats;
pub mod tag;
pub mod timeline;
pub mod unmatched;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use silkgraph::pipeline::{GazetteerConfig, Pipeline};

#[derive(Args, Clone)]
pub struct GazetteerArgs {
    /// Add the gazetteer files (*.toml) under DIR on top of the embedded default (repeatable)
    #[arg(long = "gazetteer", value_name = "DIR")]
    gazetteer: Vec<PathBuf>,
    /// Use only the --gazetteer directories, not the embedded default
    #[arg(long)]
    no_default_gazetteer: bool,
}

impl GazetteerArgs {
    fn config(&self) -> GazetteerConfig {
        GazetteerConfig {
            dirs: self.gazetteer.clone(),
            no_default: self.no_default_gazetteer,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

/// `--threads`: more threads than this only costs memory and start-up.
pub const MAX_THREADS: u64 = 256;

/// The parser of `--threads N`: 1..=[`MAX_THREADS`].
pub fn threads_parser() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::new().range(1..=MAX_THREADS)
}

pub fn set_threads(threads: Option<usize>) -> Result<()> {
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("cannot start the worker threads")?;
    }
    Ok(())
}

pub fn load_pipeline(g: &GazetteerArgs) -> Result<Pipeline> {
    Pipeline::load(&g.config()).context("cannot load the gazetteer")
}
