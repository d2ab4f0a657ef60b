//! silkgraph: turn geopolitical news text into a typed knowledge graph.
//!
//! The data flow, one module per stage:
//! [`corpus`] (files, directories, JSONL, stdin) → [`boilerplate`] (lines that are not article
//! text) → [`text`] (folding for matching, sentence splitting) → [`gazetteer`] + [`matcher`]
//! (mentions) → [`relations`] (typed edges) → [`graph`] (petgraph, evidence, weights) →
//! [`export`] (GraphML, GEXF, DOT, JSON). [`pipeline`] runs the stages over a corpus;
//! [`query`] (neighbors, stats) and [`diff`] answer questions about finished graphs.
//!
//! ```no_run
//! use silkgraph::{corpus, pipeline::{Pipeline, GazetteerConfig, ExtractOptions}, export};
//! let p = Pipeline::load(&GazetteerConfig::default())?;
//! let sources = corpus::collect_sources(&["seeds".into()])?;
//! let (graph, _report) = p.extract(&sources, &ExtractOptions::default(), |_| {}, |_| {})?;
//! let graphml = export::render(&graph, export::Format::Graphml, &export::ExportOptions::default());
//! # Ok::<(), silkgraph::Error>(())
//! ```

pub mod boilerplate;
pub mod corpus;
pub mod dates;
pub mod diff;
mod embedded;
pub mod error;
pub mod export;
pub mod gazetteer;
pub mod graph;
pub mod keys;
pub mod matcher;
pub mod merge;
#[cfg(feature = "parquet")]
pub mod parquet_input;
pub mod patterns;
pub mod pipeline;
pub mod query;
pub mod relations;
pub mod text;
pub mod timeline;
pub mod unmatched;
pub mod web;

pub use error::{Error, Result};
pub use merge::merge;
