//! The one place inputs are opened: corpora (with the check that something was read) and
//! GRAPH arguments, whose kind is told from the extension and the first bytes. A graph file
//! is never read as article text.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use silkgraph::corpus::{self, Skipped, Source};
use silkgraph::graph::KnowledgeGraph;
use silkgraph::pipeline::{ExtractOptions, Pipeline};

/// What a GRAPH argument is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphKind {
    /// A JSON snapshot (`extract -o x.json`).
    Snapshot,
    GraphMl,
    Gexf,
    /// XML that is neither GraphML nor GEXF.
    Xml,
    /// Files, a directory, or `-`: extracted on the fly.
    Corpus,
}

/// Tell what `path` is: by extension (`.json`, `.graphml`, `.gexf`, `.xml`), else by its
/// first bytes (XML, or a snapshot, under any name other than `.jsonl`), else a corpus.
pub fn sniff(path: &Path) -> Result<GraphKind> {
    if path.as_os_str() == "-" {
        return Ok(GraphKind::Corpus);
    }
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.is_file() {
        return Ok(GraphKind::Corpus);
    }
    let ext = path
        .extension()
        .and_then(|x| x.to_str())
        .map(|x| x.to_ascii_lowercase());
    match ext.as_deref() {
        Some("json") => return Ok(GraphKind::Snapshot),
        Some("graphml") => return Ok(GraphKind::GraphMl),
        Some("gexf") => return Ok(GraphKind::Gexf),
        _ => {}
    }
    let mut head = Vec::with_capacity(1024);
    std::fs::File::open(path)
        .and_then(|f| f.take(1024).read_to_end(&mut head))
        .with_context(|| format!("cannot read {}", path.display()))?;
    if ext.as_deref() != Some("jsonl") && looks_like_snapshot(&head) {
        return Ok(GraphKind::Snapshot);
    }
    let xml = xml_kind(&head);
    Ok(match (xml, ext.as_deref()) {
        (Some(k), _) => k,
        (None, Some("xml")) => GraphKind::Xml,
        (None, _) => GraphKind::Corpus,
    })
}

/// The kind of XML document `head` (the first bytes of a file) starts, if any.
fn xml_kind(head: &[u8]) -> Option<GraphKind> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &head[start..];
    if !head.starts_with(b"<?xml") && !head.starts_with(b"<graphml") && !head.starts_with(b"<gexf")
    {
        return None;
    }
    let has = |tag: &[u8]| head.windows(tag.len()).any(|w| w == tag);
    Some(if has(b"<graphml") {
        GraphKind::GraphMl
    } else if has(b"<gexf") {
        GraphKind::Gexf
    } else {
        GraphKind::Xml
    })
}

/// Whether `head` starts a node-link JSON document: `{`, then a `"directed"` or
/// `"multigraph"` key (as every snapshot has), not article text or a JSONL line.
fn looks_like_snapshot(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(start) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
        return false;
    };
    let head = &head[start..];
    let is_key = |key: &[u8]| {
        (1..head.len()).any(|i| {
            head[i..].starts_with(key)
                && head[i - 1] != b'\\'
                && head[i + key.len()..]
                    .iter()
                    .find(|b| !b.is_ascii_whitespace())
                    == Some(&b':')
        })
    };
    head.starts_with(b"{") && (is_key(b"\"directed\"") || is_key(b"\"multigraph\""))
}

/// Open a GRAPH argument of `neighbors`, `stats` or `diff`.
pub fn open_graph(p: &Pipeline, path: &Path) -> Result<KnowledgeGraph> {
    let kind = sniff(path)?;
    let context = || format!("cannot load the graph {}", path.display());
    match kind {
        GraphKind::Snapshot => silkgraph::export::load_snapshot(path).with_context(context),
        GraphKind::GraphMl | GraphKind::Gexf | GraphKind::Xml => read_graph_file(kind, path),
        GraphKind::Corpus => {
            let (sources, skipped) = corpus_sources(std::slice::from_ref(&path.to_path_buf()))?;
            let (g, report) = p
                .extract(
                    &sources,
                    &ExtractOptions::default(),
                    |w| warn_line!("silkgraph: warning: {w}"),
                    |_| {},
                )
                .with_context(context)?;
            if report.documents == 0 {
                return Err(no_document(&skipped, true));
            }
            Ok(g)
        }
    }
}

/// A GraphML, GEXF or other XML file (told by extension or first bytes): read by the
/// library's streaming reader, which refuses XML it cannot read with the reason.
fn read_graph_file(_kind: GraphKind, path: &Path) -> Result<KnowledgeGraph> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(silkgraph::export::read_xml(
        path,
        std::io::BufReader::with_capacity(1 << 16, file),
    )?)
}

/// The sources of a corpus; an error when the arguments name no file to read.
pub fn corpus_sources(paths: &[PathBuf]) -> Result<(Vec<Source>, Vec<Skipped>)> {
    let (sources, skipped) =
        corpus::collect_sources_reporting(paths).context("cannot read the corpus")?;
    if sources.is_empty() {
        return Err(no_document(&skipped, false));
    }
    Ok((sources, skipped))
}

/// Whether reading `sources` gives at least one document (a second, silent pass for the
/// commands that do not count them; stdin, already read, is taken to have given one).
pub fn gives_a_document(sources: &[Source]) -> Result<bool> {
    let mut found = false;
    for src in sources {
        if matches!(src, Source::Stdin) {
            return Ok(true);
        }
        // Stop at the first document: the error is only a way out of the walk.
        let walk = corpus::for_each_item(src, &mut |item| match item {
            corpus::Item::Doc(_) => {
                found = true;
                Err(silkgraph::Error::Invalid("found".into()))
            }
            corpus::Item::Warning(_) => Ok(()),
        });
        if found {
            return Ok(true);
        }
        walk.context("cannot read the corpus")?;
    }
    Ok(false)
}

/// The error for a corpus that gave no document (see [`corpus::no_document_message`]).
pub fn no_document(skipped: &[Skipped], read: bool) -> anyhow::Error {
    anyhow::anyhow!(corpus::no_document_message(skipped, read))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_is_told_by_its_first_bytes() {
        assert_eq!(
            xml_kind(b"\xEF\xBB\xBF  <?xml version=\"1.0\"?>\n<graphml xmlns"),
            Some(GraphKind::GraphMl)
        );
        assert_eq!(xml_kind(b"<gexf version"), Some(GraphKind::Gexf));
        assert_eq!(
            xml_kind(b"<?xml version='1.0'?><rss>"),
            Some(GraphKind::Xml)
        );
        assert_eq!(xml_kind(b"Pakistan and <China> met."), None);
        assert_eq!(xml_kind(b""), None);
    }

    #[test]
    fn a_snapshot_is_told_by_its_first_bytes() {
        assert!(looks_like_snapshot(
            b"{\n  \"directed\": true,\n  \"multigraph\": true"
        ));
        assert!(!looks_like_snapshot(
            b"{\"id\": \"a\", \"text\": \"directed\"}"
        ));
        assert!(!looks_like_snapshot(b"The \"directed\" talks."));
        assert!(!looks_like_snapshot(
            b"{\"text\": \"a \\\"directed\\\": b\"}"
        ));
    }
}
