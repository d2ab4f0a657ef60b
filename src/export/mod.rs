//! Exporters: GraphML (Gephi-ready), GEXF 1.3, DOT, networkx node-link JSON, CSV tables and
//! a self-contained interactive HTML page;
//! readers for the GraphML and GEXF files they write ([`load_graph`]).
//!
//! Every exporter writes nodes sorted by id and edges sorted by (source, relation, target),
//! so the same graph always gives the same bytes. Files are written atomically.

mod csv;
mod dot;
mod gexf;
mod graphml;
mod html;
mod json;
mod layout;
mod read;

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::gazetteer::EntityType;
use crate::graph::Edge;

pub use csv::{csv_paths, write_edges as write_csv_edges, write_nodes as write_csv_nodes};
pub use json::{from_json, load_snapshot, to_json_value};
pub use read::{load_graph, read_xml, GraphFile};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Graphml,
    Gexf,
    Dot,
    Json,
    /// Two tables, nodes and edges (Gephi's spreadsheet import, pandas); needs `-o`.
    Csv,
    /// A self-contained interactive page (sigma.js), opens offline in a browser.
    Html,
}

impl Format {
    /// The format an output path's extension names.
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "graphml" | "xml" => Some(Format::Graphml),
            "gexf" => Some(Format::Gexf),
            "dot" | "gv" => Some(Format::Dot),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }
}

/// Exporter options.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// GraphML and GEXF: write symmetric relations as undirected edges next to the directed
    /// ones (a mixed graph, as Gephi shows it). Off by default: networkx refuses mixed files
    /// and igraph turns their undirected edges into directed ones, so by default every edge
    /// is directed and a symmetric one is written once, source < target, with
    /// `symmetric=true`. A graph whose edges are all symmetric is written undirected either way.
    pub mixed_directions: bool,
}

/// How a GraphML or GEXF document writes edge directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Directions {
    /// Every edge is symmetric: an undirected graph.
    Undirected,
    /// Every edge directed; symmetric ones carry `symmetric=true`.
    Directed,
    /// Directed graph whose symmetric edges are undirected.
    Mixed,
}

impl Directions {
    pub(crate) fn of(edges: &[&Edge], opts: &ExportOptions) -> Self {
        if !edges.is_empty() && edges.iter().all(|e| e.symmetric) {
            Directions::Undirected
        } else if opts.mixed_directions && edges.iter().any(|e| e.symmetric) {
            Directions::Mixed
        } else {
            Directions::Directed
        }
    }
}

/// Render `graph` in `format` (CSV: the edges table; [`write_file`] writes both tables).
pub fn render(
    graph: &crate::graph::KnowledgeGraph,
    format: Format,
    opts: &ExportOptions,
) -> String {
    match format {
        Format::Graphml => graphml::render(graph, opts, None),
        Format::Gexf => gexf::render(graph, opts, None),
        Format::Dot => dot::render(graph),
        Format::Json => json::render(graph),
        Format::Html => html::render(graph, None),
        Format::Csv => {
            let mut out = Vec::new();
            csv::write_edges(graph, &mut out).expect("writing to memory");
            String::from_utf8(out).expect("the graph's strings are UTF-8")
        }
    }
}

/// Extra attributes, colours and time intervals laid over a graph by callers such as
/// `diff` (the union graph with a `diff` attribute on every element).
#[derive(Debug, Clone, Default)]
pub struct Decoration {
    /// Extra node attribute names and types (`string`, `double`, `int`, `boolean`).
    pub node_keys: Vec<(String, &'static str)>,
    pub edge_keys: Vec<(String, &'static str)>,
    /// Per node id: values for `node_keys` (same order; empty string = absent).
    pub nodes: std::collections::HashMap<String, Decor>,
    /// Per edge (source, relation, target).
    pub edges: std::collections::HashMap<(String, String, String), Decor>,
    /// GEXF: write a dynamic graph with integer time.
    pub dynamic: bool,
}

/// Decoration of one element.
#[derive(Debug, Clone, Default)]
pub struct Decor {
    pub values: Vec<String>,
    pub rgb: Option<(u8, u8, u8)>,
    /// Inclusive time interval (dynamic GEXF).
    pub interval: Option<(u32, u32)>,
}

/// Render with a decoration (GraphML, GEXF and HTML; other formats ignore it).
pub fn render_decorated(
    graph: &crate::graph::KnowledgeGraph,
    format: Format,
    opts: &ExportOptions,
    decoration: &Decoration,
) -> String {
    match format {
        Format::Graphml => graphml::render(graph, opts, Some(decoration)),
        Format::Gexf => gexf::render(graph, opts, Some(decoration)),
        Format::Html => html::render(graph, Some(decoration)),
        other => render(graph, other, opts),
    }
}

pub(crate) fn edge_decor<'a>(d: Option<&'a Decoration>, e: &Edge) -> Option<&'a Decor> {
    d.and_then(|d| {
        d.edges.get(&(
            e.source.to_string(),
            e.relation.to_string(),
            e.target.to_string(),
        ))
    })
}

/// Write `graph` in `format` to `w` as it is produced: JSON from a borrowed view, GraphML
/// and GEXF 64 KiB at a time (at 1 GB of text the GraphML document is 41 MB), DOT (no
/// evidence lists, so small) rendered first.
pub fn write_to(
    graph: &crate::graph::KnowledgeGraph,
    format: Format,
    opts: &ExportOptions,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let rest = match format {
        Format::Json => return json::write(graph, w),
        Format::Csv => return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "CSV is two tables (nodes and edges): write it to files with -o DIR/ or -o NAME.csv",
        )),
        Format::Graphml => graphml::render_into(graph, opts, None, &mut flush_into(w))?,
        Format::Gexf => gexf::render_into(graph, opts, None, &mut flush_into(w))?,
        Format::Dot => dot::render(graph),
        Format::Html => html::render(graph, None),
    };
    w.write_all(rest.as_bytes())
}

/// Write `graph` in `format` to `path` (each file atomically) and return the files written:
/// `path` itself, or for CSV the two tables at [`csv_paths`].
pub fn write_file(
    graph: &crate::graph::KnowledgeGraph,
    format: Format,
    opts: &ExportOptions,
    path: &Path,
) -> Result<Vec<std::path::PathBuf>> {
    if format == Format::Csv {
        let (nodes, edges) = csv_paths(path);
        if let Some(dir) = nodes.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        write_atomic_with(&nodes, |w| csv::write_nodes(graph, w))?;
        write_atomic_with(&edges, |w| csv::write_edges(graph, w))?;
        return Ok(vec![nodes, edges]);
    }
    write_atomic_with(path, |w| write_to(graph, format, opts, w))?;
    Ok(vec![path.to_path_buf()])
}

/// Write `bytes` to `path` atomically: a temp file in the same directory, then a rename. A
/// failed or interrupted run never leaves a partial file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// [`write_atomic`] with the content produced by `fill` (through a buffer).
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".silkgraph-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut w)
            .and_then(|()| w.flush())
            .map_err(|e| Error::io(path, e))?;
    }
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    // A temp file is private (0600); give the output the permissions a new file gets
    // (or the ones of the file it replaces).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0o644);
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(path, e))?;
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Drop characters XML 1.0 forbids (C0 controls but tab/LF/CR, U+FFFE, U+FFFF, lone
/// surrogates cannot occur in Rust strings).
pub(crate) fn xml_clean(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Escape for XML text and attribute values.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    xml_escape_into(&mut out, s);
    out
}

/// [`xml_escape`] appended to `out`. Runs of characters that need nothing are copied whole
/// (most of an export is evidence lists, which need nothing).
pub(crate) fn xml_escape_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let plain = match b {
            b'&' | b'<' | b'>' | b'"' | b'\'' => false,
            0x80.. => {
                // Only U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not allowed beyond ASCII.
                !(b == 0xEF
                    && bytes.get(i + 1) == Some(&0xBF)
                    && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)))
            }
            _ => b >= 0x20,
        };
        if plain {
            i += 1;
            continue;
        }
        out.push_str(&s[run..i]);
        let c = s[i..].chars().next().expect("char boundary");
        push_escaped(out, c);
        i += c.len_utf8();
        run = i;
    }
    out.push_str(&s[run..]);
}

/// One character as XML text: escaped, or dropped when XML does not allow it.
fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&apos;"),
        '\n' => out.push_str("&#10;"),
        '\r' => out.push_str("&#13;"),
        '\t' => out.push_str("&#9;"),
        c if xml_clean(c) => out.push(c),
        _ => {}
    }
}

/// Colour per entity type (matplotlib tab10), as (r, g, b).
pub(crate) fn type_rgb(t: EntityType) -> (u8, u8, u8) {
    match t {
        EntityType::Country => (31, 119, 180),
        EntityType::Organization => (255, 127, 14),
        EntityType::Corridor => (44, 160, 44),
        EntityType::Weapon => (214, 39, 40),
        EntityType::Place => (148, 103, 189),
    }
}

pub(crate) fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Node size from its mention count (log scale so hubs do not swamp the picture).
pub(crate) fn node_size(mentions: u64) -> f64 {
    let s = 10.0 + 6.0 * ((1 + mentions) as f64).ln();
    (s * 100.0).round() / 100.0
}

/// The evidence list of `e` as one string, `doc#sentence@start-end` joined with `; `, each
/// document id written by `doc` (escaped or not), without building a string per entry.
/// `%`, `;`, `#` and `@` in a document id are percent-encoded (`%25`, `%3B`, `%23`, `%40`)
/// so the string splits back unambiguously.
pub(crate) fn write_evidence(out: &mut String, e: &Edge, mut doc: impl FnMut(&mut String, &str)) {
    // An edge's entries mostly share a document (one `Arc`): its id is encoded once.
    let mut last: Option<&std::sync::Arc<String>> = None;
    let mut encoded = String::new();
    let mut num = itoa::Buffer::new();
    for (k, v) in e.evidence.iter().enumerate() {
        if k > 0 {
            out.push_str("; ");
        }
        if !last.is_some_and(|d| std::sync::Arc::ptr_eq(d, &v.doc)) {
            encoded.clear();
            doc(&mut encoded, &percent_encode_id(&v.doc));
            last = Some(&v.doc);
        }
        out.push_str(&encoded);
        out.push('#');
        out.push_str(num.format(v.sentence));
        out.push('@');
        out.push_str(num.format(v.start));
        out.push('-');
        out.push_str(num.format(v.end));
        if let Some(d) = v.date {
            use std::fmt::Write;
            let _ = write!(out, "@{d}");
        }
    }
}

/// The opening of a GraphML or GEXF `<edge>` up to its ends: `{indent}<edge id="e{i}"
/// source="…" target="…"`. Pushed piece by piece: `format_args!` machinery was a third of
/// rendering an edge.
pub(crate) fn push_edge_open(out: &mut String, indent: &str, i: usize, e: &Edge) {
    out.push_str(indent);
    out.push_str("<edge id=\"e");
    out.push_str(itoa::Buffer::new().format(i));
    out.push_str("\" source=\"");
    xml_escape_into(out, &e.source);
    out.push_str("\" target=\"");
    xml_escape_into(out, &e.target);
    out.push('"');
}

/// Push an edge weight as `{:.1}` of its `f64` writes it ("3.0"), without float formatting
/// while the conversion is exact.
pub(crate) fn push_weight(out: &mut String, weight: u64) {
    if weight <= 1 << 53 {
        out.push_str(itoa::Buffer::new().format(weight));
        out.push_str(".0");
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{:.1}", weight as f64);
    }
}

/// The `flush` of the text exporters: writes the buffer to `w` once it holds 64 KB.
pub(crate) fn flush_into<W: Write + ?Sized>(
    w: &mut W,
) -> impl FnMut(&mut String) -> std::io::Result<()> + '_ {
    move |out: &mut String| {
        if out.len() >= 1 << 16 {
            w.write_all(out.as_bytes())?;
            out.clear();
        }
        Ok(())
    }
}

/// Render `items` in order into `out`, flushing as it grows. With more than one rayon
/// thread, blocks of items are rendered in parallel into their own buffers and appended in
/// order: the bytes are those of the serial loop, and memory holds one block at a time.
pub(crate) fn render_in_order<T: Sync>(
    items: &[T],
    out: &mut String,
    flush: &mut dyn FnMut(&mut String) -> std::io::Result<()>,
    render: impl Fn(&mut String, usize, &T) + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    // A block is a few megabytes of text (evidence lists make an edge up to a few KB); a
    // piece is worth a trip to another thread.
    const PIECE: usize = 256;
    const BLOCK: usize = 16 * PIECE;
    if rayon::current_num_threads() <= 1 || items.len() <= PIECE {
        for (i, item) in items.iter().enumerate() {
            render(out, i, item);
            flush(out)?;
        }
        return Ok(());
    }
    for (b, block) in items.chunks(BLOCK).enumerate() {
        let pieces: Vec<String> = block
            .par_chunks(PIECE)
            .enumerate()
            .map(|(p, piece)| {
                let mut s = String::with_capacity(piece.len() * 256);
                for (k, item) in piece.iter().enumerate() {
                    render(&mut s, b * BLOCK + p * PIECE + k, item);
                }
                s
            })
            .collect();
        for piece in pieces {
            out.push_str(&piece);
            flush(out)?;
        }
    }
    Ok(())
}

/// `id` with the separators of evidence strings percent-encoded (borrowed when it has none).
pub(crate) fn percent_encode_id(id: &str) -> std::borrow::Cow<'_, str> {
    if !id.contains(['%', ';', '#', '@']) {
        return id.into();
    }
    let mut out = String::with_capacity(id.len() + 8);
    for c in id.chars() {
        match c {
            '%' => out.push_str("%25"),
            ';' => out.push_str("%3B"),
            '#' => out.push_str("%23"),
            '@' => out.push_str("%40"),
            c => out.push(c),
        }
    }
    out.into()
}

pub(crate) fn join<T: ToString>(v: &[T]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_rendering_writes_the_serial_bytes_in_order() {
        let items: Vec<u32> = (0..10_000).map(|i| i * 7 % 1013).collect();
        let render = |out: &mut String, i: usize, x: &u32| {
            out.push_str(&format!("{i}:{x}\n"));
        };
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let mut written = String::new();
                let mut out = String::new();
                let mut flushes = 0;
                let mut flush = |o: &mut String| -> std::io::Result<()> {
                    flushes += 1;
                    written.push_str(o);
                    o.clear();
                    Ok(())
                };
                render_in_order(&items, &mut out, &mut flush, render).unwrap();
                assert!(flushes > 1, "flushed as it went");
                written + &out
            })
        };
        let serial = run(1);
        assert_eq!(serial.lines().count(), items.len());
        assert!(serial.starts_with("0:0\n1:7\n"));
        assert_eq!(run(3), serial);
    }

    #[test]
    fn document_ids_are_percent_encoded_in_evidence_strings() {
        assert_eq!(percent_encode_id("a/b.txt"), "a/b.txt");
        assert_eq!(percent_encode_id("a; b#c@d%e"), "a%3B b%23c%40d%25e");
        assert_eq!(percent_encode_id("%3B"), "%253B");
    }

    /// The run-copying escape equals escaping every character.
    #[test]
    fn escape_runs_equal_character_escapes() {
        let slow = |s: &str| -> String {
            let mut out = String::new();
            for c in s.chars() {
                push_escaped(&mut out, c);
            }
            out
        };
        for s in [
            "",
            "plain",
            "a&b<c>d\"e'f\ng\rh\ti",
            "\u{1}\u{8}\u{B}\u{C}\u{1F}x\u{7F}\u{80}\u{9F}",
            "Türkiye’s \u{FFFE}\u{FFFF}\u{FFFD}\u{EFBF} 中国 &&",
            "doc.txt#3@10-20; doc2.txt#4@1-2",
        ] {
            assert_eq!(xml_escape(s), slow(s), "{s:?}");
        }
    }

    #[test]
    fn escapes_and_strips_illegal_characters() {
        assert_eq!(
            xml_escape("AT&T \"Ltd\" <x>\u{1}"),
            "AT&amp;T &quot;Ltd&quot; &lt;x&gt;"
        );
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(
            Format::from_path(Path::new("a/b.GraphML")),
            Some(Format::Graphml)
        );
        assert_eq!(Format::from_path(Path::new("b.gexf")), Some(Format::Gexf));
        assert_eq!(Format::from_path(Path::new("b.txt")), None);
    }
}
