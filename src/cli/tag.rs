//! `silkgraph tag`: one JSON line per sentence with its mentions.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use silkgraph::corpus;

use super::input::{corpus_sources, no_document};
use super::io::Output;
use super::{load_pipeline, GazetteerArgs};

#[derive(Args)]
pub struct TagArgs {
    /// Files, directories or - for stdin
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

pub fn run(a: TagArgs) -> Result<ExitCode> {
    let pipeline = load_pipeline(&a.gazetteer)?;
    let (sources, skipped) = corpus_sources(&a.paths)?;
    let mut out = Output::stdout();
    let mut documents = 0u64;
    let g = &pipeline.gazetteer;
    // Sentences of the earlier parts of a document read in parts.
    let mut sentence_base = 0;
    let mut part_sentences = 0;
    let mut write_error: Option<std::io::Error> = None;
    for src in &sources {
        let read = corpus::for_each_item(src, &mut |item| {
            let doc = match item {
                corpus::Item::Warning(w) => {
                    warn_line!("silkgraph: warning: {w}");
                    return Ok(());
                }
                corpus::Item::Doc(d) => d,
            };
            documents += 1;
            let a = pipeline.analyse(doc, false);
            sentence_base = if a.continues {
                sentence_base + part_sentences
            } else {
                0
            };
            part_sentences = a.sentences.len();
            let at = a.offset;
            for s in &a.sentences {
                let mentions: Vec<serde_json::Value> = s
                    .mentions
                    .iter()
                    .map(|m| {
                        let e = g.entity(m.entity);
                        serde_json::json!({
                            "entity": e.id,
                            "name": e.name,
                            "type": e.etype,
                            "start": at + m.start,
                            "end": at + m.end,
                            "surface": &a.text[m.start..m.end],
                            "kind": m.kind,
                        })
                    })
                    .collect();
                let line = serde_json::json!({
                    "doc": a.id,
                    "sentence": sentence_base + s.index,
                    "start": at + s.span.start,
                    "end": at + s.span.end,
                    "text": &a.text[s.span.start..s.span.end],
                    "mentions": mentions,
                });
                if let Err(e) = writeln!(out, "{line}") {
                    write_error = Some(e);
                    return Err(silkgraph::Error::Invalid("output closed".into()));
                }
            }
            Ok(())
        });
        if let Some(e) = write_error.take() {
            return Err(e).context("cannot write to standard output");
        }
        read.context("cannot read the corpus")?;
    }
    if documents == 0 {
        return Err(no_document(&skipped, true));
    }
    out.finish()?;
    Ok(ExitCode::SUCCESS)
}
