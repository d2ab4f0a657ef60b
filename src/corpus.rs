//! Corpus reading: files, directories (recursive), JSONL and stdin, as a stream of documents.
//!
//! Messy input is the norm: invalid UTF-8 is decoded lossily, binary files are skipped, empty
//! files and very long lines are reported, each with a one-line warning naming the file. A
//! missing or unreadable path is an error: the run cannot be trusted without it.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::dates::{parse_date, Date};
use crate::error::{Error, Result};

/// One document of the corpus, or one part of a very large one (see [`PART_BYTES`]).
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Stable id: the path relative to the input argument, or the JSONL `id`.
    pub id: String,
    pub text: String,
    /// Byte offset of `text` in the document: 0 unless this is a later part.
    pub offset: usize,
    /// This part continues the previous item's document.
    pub continues: bool,
    /// The document's date (JSONL `date`, a dateline, the file name): `None` is undated.
    pub date: Option<Date>,
}

impl Document {
    /// A whole document.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            text: text.into(),
            ..Default::default()
        }
    }
}

/// Text files (and stdin) longer than twice this are read and analysed in parts of about
/// this size, so a huge file is never held whole and its parts are analysed in parallel.
/// A part ends at the first blank line after this many bytes (else a line break, else a
/// space); the cuts depend only on the text, so the output does not depend on how the
/// file is read or on the thread count. Each part is analysed alone: a reference ("it")
/// does not reach back across a cut, and a conditional alias needs its evidence in the
/// same part. Documents up to twice this size are read whole, as before.
pub const PART_BYTES: usize = 2 << 20;

/// Lines longer than this get a warning (they are still processed).
pub const LONG_LINE_BYTES: usize = 1 << 20;
/// Extensions read from directories.
pub const TEXT_EXTENSIONS: [&str; 3] = ["txt", "md", "text"];

/// One input file to read.
#[derive(Debug, Clone)]
pub enum Source {
    /// A text file and its document id.
    Text {
        path: PathBuf,
        id: String,
    },
    /// A JSONL file; `id` prefixes the ids of lines that have none.
    Jsonl {
        path: PathBuf,
        id: String,
    },
    /// A web page (`.html`, `.htm`); `id` is used when the page names no canonical URL.
    Html {
        path: PathBuf,
        id: String,
    },
    /// A web archive (`.warc`, `.warc.gz`): one document per HTML response record.
    Warc {
        path: PathBuf,
        id: String,
    },
    Stdin,
    /// Documents already in memory (the Python package's texts), read as JSONL records are:
    /// an empty text is skipped with a warning, so a list of texts written as JSONL with the
    /// same ids gives the same graph. `name` names them in warnings.
    Memory {
        name: String,
        docs: std::sync::Arc<Vec<Document>>,
    },
    /// A Parquet file (cargo feature `parquet`): one document per row, the text from the
    /// string column `text_column`, the id from `id_column` (as JSONL reads `id`), else
    /// `{id}#{row}` with the 1-based row number.
    Parquet {
        path: PathBuf,
        id: String,
        text_column: String,
        id_column: String,
    },
}

impl Source {
    pub fn display(&self) -> String {
        match self {
            Source::Text { path, .. }
            | Source::Jsonl { path, .. }
            | Source::Html { path, .. }
            | Source::Warc { path, .. }
            | Source::Parquet { path, .. } => path.display().to_string(),
            Source::Stdin => "<stdin>".into(),
            Source::Memory { name, .. } => name.clone(),
        }
    }

    /// The file read, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Source::Text { path, .. }
            | Source::Jsonl { path, .. }
            | Source::Html { path, .. }
            | Source::Warc { path, .. }
            | Source::Parquet { path, .. } => Some(path),
            Source::Stdin | Source::Memory { .. } => None,
        }
    }

    /// The source for a file, by its name: JSONL, web page, web archive, else text.
    fn of_file(path: PathBuf, id: String) -> Source {
        if is_jsonl(&path) {
            Source::Jsonl { path, id }
        } else if crate::web::is_warc_name(&path) {
            Source::Warc { path, id }
        } else if crate::web::is_html_name(&path) {
            Source::Html { path, id }
        } else {
            Source::Text { path, id }
        }
    }
}

/// The columns a Parquet file is read from unless told otherwise.
pub const PARQUET_TEXT_COLUMN: &str = "text";
pub const PARQUET_ID_COLUMN: &str = "id";

fn is_parquet(p: &Path) -> bool {
    p.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("parquet"))
}

fn is_jsonl(p: &Path) -> bool {
    p.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("jsonl"))
}

/// Whether a directory walk reads a file of this name: `.jsonl`, one of
/// [`TEXT_EXTENSIONS`], a web page (`.html`, `.htm`) or a web archive (`.warc`,
/// `.warc.gz`), in any case (`.TXT`, `.Md`). Also used to refuse an output that the next
/// run over the same directory would read back as corpus.
pub fn is_corpus_file_name(p: &Path) -> bool {
    crate::web::is_html_name(p)
        || crate::web::is_warc_name(p)
        || p.extension().and_then(|x| x.to_str()).is_some_and(|x| {
            is_jsonl(p) || TEXT_EXTENSIONS.iter().any(|t| x.eq_ignore_ascii_case(t))
        })
}

/// A file a directory walk passed over, and why (for the message when nothing is left).
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: &'static str,
}

/// The message for a corpus that gave no document: what the directory walks passed over and
/// why. `read`: files were read, and each was reported (empty, binary) in a warning.
pub fn no_document_message(skipped: &[Skipped], read: bool) -> String {
    const SHOWN: usize = 20;
    let mut msg = String::from("the corpus has no document to read");
    if read {
        msg.push_str(": every file read was empty or unreadable (see the warnings above)");
    }
    if skipped.is_empty() && !read {
        msg.push_str(" (no file in it)");
    }
    for s in skipped.iter().take(SHOWN) {
        msg.push_str(&format!("\n  skipped {}: {}", s.path.display(), s.reason));
    }
    if skipped.len() > SHOWN {
        msg.push_str(&format!("\n  and {} more skipped", skipped.len() - SHOWN));
    }
    msg
}

/// Expand the input arguments into sources, sorted within each directory, so document order
/// (and therefore output) is the same on every machine.
pub fn collect_sources(inputs: &[PathBuf]) -> Result<Vec<Source>> {
    collect_sources_reporting(inputs).map(|(sources, _)| sources)
}

/// [`collect_sources`], with the files the directory walks passed over. Symbolic links to
/// files are read like the files; links to directories are not followed (no loops, no file
/// read twice through two paths).
pub fn collect_sources_reporting(inputs: &[PathBuf]) -> Result<(Vec<Source>, Vec<Skipped>)> {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            out.push(Source::Stdin);
            continue;
        }
        let meta = std::fs::metadata(input).map_err(|e| Error::io(input, e))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(input).sort_by_file_name() {
                let entry = entry.map_err(|e| {
                    let path = e.path().unwrap_or(input).to_path_buf();
                    Error::io(path, e.into())
                })?;
                let p = entry.path();
                let ft = entry.file_type();
                if ft.is_dir() {
                    continue;
                }
                let skip = |reason| Skipped {
                    path: p.to_path_buf(),
                    reason,
                };
                if entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.') {
                    skipped.push(skip("hidden file"));
                    continue;
                }
                if ft.is_symlink() {
                    match std::fs::metadata(p) {
                        Ok(m) if m.is_file() => {}
                        Ok(m) if m.is_dir() => {
                            skipped.push(skip("link to a directory, not followed"));
                            continue;
                        }
                        Ok(_) => {
                            skipped.push(skip("link to something that is not a file"));
                            continue;
                        }
                        Err(_) => {
                            skipped.push(skip("broken symbolic link"));
                            continue;
                        }
                    }
                } else if !ft.is_file() {
                    skipped.push(skip("not a regular file"));
                    continue;
                }
                if !is_corpus_file_name(p) {
                    skipped.push(skip(
                        "extension not read (directories give .txt, .md, .text, .jsonl, .html, .htm, .warc, .warc.gz)",
                    ));
                    continue;
                }
                let id = p
                    .strip_prefix(input)
                    .unwrap_or(p)
                    .to_string_lossy()
                    .replace('\\', "/");
                found.push(Source::of_file(p.to_path_buf(), id));
            }
            out.extend(found);
        } else {
            let id = input
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| input.display().to_string());
            if is_parquet(input) {
                // Only when named: a directory walk does not read .parquet, so adding one to
                // a corpus directory does not change what the directory gives.
                out.push(Source::Parquet {
                    path: input.clone(),
                    id,
                    text_column: PARQUET_TEXT_COLUMN.into(),
                    id_column: PARQUET_ID_COLUMN.into(),
                });
            } else {
                out.push(Source::of_file(input.clone(), id));
            }
        }
    }
    Ok((out, skipped))
}

/// What reading produced: documents and warnings, in order.
#[derive(Debug)]
pub enum Item {
    Doc(Document),
    Warning(String),
}

/// Decode bytes as a document: skip binaries, decode invalid UTF-8 lossily, flag long lines.
fn decode(name: &str, bytes: Vec<u8>, items: &mut Vec<Item>) -> Option<String> {
    if bytes.is_empty() || bytes.iter().all(|b| b.is_ascii_whitespace()) {
        items.push(Item::Warning(format!(
            "{name}: empty file, nothing to read"
        )));
        return None;
    }
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        items.push(Item::Warning(format!(
            "{name}: binary file (NUL bytes), skipped"
        )));
        return None;
    }
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            items.push(Item::Warning(format!(
                "{name}: invalid UTF-8 at byte {at}, decoded with replacement characters"
            )));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let mut line_no = 0;
    // (A text no longer than the limit has no line longer than it.)
    let lines = (text.len() > LONG_LINE_BYTES).then(|| text.split('\n'));
    for line in lines.into_iter().flatten() {
        line_no += 1;
        if line.len() > LONG_LINE_BYTES {
            items.push(Item::Warning(format!(
                "{name}:{line_no}: very long line ({} bytes); processed, but check the input",
                line.len()
            )));
        }
    }
    Some(text)
}

/// Read a text document: whole when it is at most `2 * part_bytes` long (warnings as
/// [`decode`]), else in parts (see [`PART_BYTES`]), holding at most `2 * part_bytes` bytes.
fn read_text(
    mut reader: impl Read,
    size_hint: Option<u64>,
    name: &str,
    id: &str,
    part_bytes: usize,
    each: &mut dyn FnMut(Item) -> Result<()>,
) -> Result<()> {
    let part_bytes = part_bytes.max(1);
    let window = 2 * part_bytes;
    // Sized once (one byte more, to see the end without growing): growing by doubling
    // copied each document several times and cost 7% of an extract.
    let mut buf: Vec<u8> =
        Vec::with_capacity(size_hint.map_or(0, |n| n.min(window as u64) as usize + 1));
    let mut offset = 0usize;
    let mut line_no = 1usize;
    let mut eof = false;
    let mut warned_utf8 = false;
    loop {
        if !eof && buf.len() < window {
            let want = (window - buf.len()) as u64;
            let n = reader
                .by_ref()
                .take(want)
                .read_to_end(&mut buf)
                .map_err(|e| Error::io(name, e))?;
            eof = (n as u64) < want;
        }
        if offset > 0 && buf.is_empty() {
            return Ok(());
        }
        if offset == 0 && eof {
            // Short enough to read whole.
            let mut items = Vec::new();
            if let Some(text) = decode(name, buf, &mut items) {
                items.push(Item::Doc(Document::new(id, text)));
            }
            return items.into_iter().try_for_each(each);
        }
        if offset == 0 && memchr::memchr(0, &buf[..buf.len().min(8192)]).is_some() {
            return each(Item::Warning(format!(
                "{name}: binary file (NUL bytes), skipped"
            )));
        }
        let cut = if buf.len() >= window {
            part_cut(&buf, part_bytes)
        } else {
            buf.len()
        };
        // The part gets a buffer of its own size; the read buffer (twice that) is kept.
        let part = buf[..cut].to_vec();
        buf.drain(..cut);
        let text = match String::from_utf8(part) {
            Ok(t) => t,
            Err(e) => {
                if !warned_utf8 {
                    warned_utf8 = true;
                    let at = offset + e.utf8_error().valid_up_to();
                    each(Item::Warning(format!(
                        "{name}: invalid UTF-8 at byte {at}, decoded with replacement characters"
                    )))?;
                }
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        };
        for (i, line) in text.split('\n').enumerate() {
            if line.len() > LONG_LINE_BYTES {
                each(Item::Warning(format!(
                    "{name}:{}: very long line ({} bytes in this part); processed, but check the input",
                    line_no + i,
                    line.len()
                )))?;
            }
        }
        line_no += memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let len = text.len();
        each(Item::Doc(Document {
            id: id.to_string(),
            text,
            offset,
            continues: offset > 0,
            date: None,
        }))?;
        offset += len;
    }
}

/// [`read_text`], after decoding UTF-16 text (told by its byte order mark) to UTF-8 as it
/// streams; offsets are then in the UTF-8 text. Anything else is read as UTF-8.
fn read_text_any(
    mut reader: impl Read,
    size_hint: Option<u64>,
    name: &str,
    id: &str,
    part_bytes: usize,
    each: &mut dyn FnMut(Item) -> Result<()>,
) -> Result<()> {
    let mut head = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match reader.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(name, e)),
        }
    }
    let reader = (&head[..got]).chain(reader);
    let utf16 = match head[..got] {
        [0xFF, 0xFE] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF] => Some(encoding_rs::UTF_16BE),
        _ => None,
    };
    match utf16 {
        None => read_text(reader, size_hint, name, id, part_bytes, each),
        Some(enc) => {
            each(Item::Warning(format!(
                "{name}: {} text (byte order mark), decoded to UTF-8; offsets are in the UTF-8 text",
                enc.name()
            )))?;
            let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(enc))
                .bom_override(true)
                .build(reader);
            read_text(decoded, None, name, id, part_bytes, each)
        }
    }
}

/// Where to end a part of a long text (`buf` holds at least `2 * part_bytes` bytes): after
/// the first blank line past `part_bytes`, else the first line break, else the first ASCII
/// space; else at a character boundary just before `2 * part_bytes`. Never at 0, never
/// inside a UTF-8 sequence.
fn part_cut(buf: &[u8], part_bytes: usize) -> usize {
    let end = 2 * part_bytes;
    let window = &buf[part_bytes..end];
    let blank_line = memchr::memchr_iter(b'\n', window).find(|&i| {
        let next = &window[i + 1..];
        let line_end = memchr::memchr(b'\n', next);
        line_end.is_some_and(|j| next[..j].iter().all(|b| b.is_ascii_whitespace()))
    });
    if let Some(i) = blank_line {
        return part_bytes + i + 1;
    }
    if let Some(i) = memchr::memchr(b'\n', window) {
        return part_bytes + i + 1;
    }
    if let Some(i) = window.iter().position(|b| b.is_ascii_whitespace()) {
        return part_bytes + i + 1;
    }
    // A UTF-8 continuation byte (0b10xx_xxxx) never starts a character.
    let mut cut = end - 1;
    while cut > part_bytes && buf[cut] & 0xC0 == 0x80 {
        cut -= 1;
    }
    cut
}

#[derive(Deserialize)]
struct JsonlDoc {
    text: String,
    id: Option<serde_json::Value>,
    /// Read with [`parse_date`]; anything else leaves the document undated, with a warning.
    date: Option<serde_json::Value>,
}

/// Stream the documents and warnings of one source to `each`, in order. A JSONL file is
/// read line by line, so it is never held whole.
pub fn for_each_item(src: &Source, each: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
    for_each_item_in_parts(src, PART_BYTES, each)
}

/// [`for_each_item`] with text documents longer than `2 * part_bytes` read in parts of
/// about `part_bytes` (see [`PART_BYTES`]).
pub fn for_each_item_in_parts(
    src: &Source,
    part_bytes: usize,
    each: &mut dyn FnMut(Item) -> Result<()>,
) -> Result<()> {
    match src {
        Source::Text { path, id } => {
            let f = File::open(path).map_err(|e| Error::io(path, e))?;
            let size = f.metadata().ok().map(|m| m.len());
            read_text_any(f, size, &path.display().to_string(), id, part_bytes, each)?;
        }
        Source::Html { path, id } => crate::web::read_html_file(path, id, each)?,
        Source::Warc { path, .. } => crate::web::read_warc_file(path, each)?,
        Source::Stdin => {
            read_text_any(
                std::io::stdin().lock(),
                None,
                "<stdin>",
                "stdin",
                part_bytes,
                each,
            )?;
        }
        Source::Memory { name, docs } => {
            for (i, doc) in docs.iter().enumerate() {
                record(name, i + 1, doc.clone(), each)?;
            }
        }
        Source::Parquet {
            path,
            id,
            text_column,
            id_column,
        } => {
            #[cfg(feature = "parquet")]
            crate::parquet_input::for_each_row(
                path,
                id,
                text_column,
                id_column,
                &mut |row, doc| record(&path.display().to_string(), row, doc, each),
            )?;
            #[cfg(not(feature = "parquet"))]
            {
                let _ = (id, text_column, id_column);
                return Err(Error::Invalid(format!(
                    "{}: this silkgraph was built without Parquet support (cargo feature \"parquet\")",
                    path.display()
                )));
            }
        }
        Source::Jsonl { path, id } => {
            let f = File::open(path).map_err(|e| Error::io(path, e))?;
            let mut reader = BufReader::new(f);
            let mut buf = Vec::new();
            let mut line_no = 0usize;
            let name = path.display().to_string();
            let mut any = false;
            loop {
                buf.clear();
                let n = reader
                    .read_until(b'\n', &mut buf)
                    .map_err(|e| Error::io(path, e))?;
                if n == 0 {
                    break;
                }
                line_no += 1;
                // A byte order mark would make the first record invalid JSON.
                let bytes = match buf.strip_prefix(b"\xEF\xBB\xBF") {
                    Some(rest) if line_no == 1 => rest,
                    _ => &buf[..],
                };
                let line = String::from_utf8_lossy(bytes);
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                let mut parsed = serde_json::from_str::<JsonlDoc>(line);
                if parsed.is_err() {
                    // serde_json refuses a lone surrogate escape ("\ud800"), and with it the
                    // whole document: read it as U+FFFD instead, as invalid UTF-8 is.
                    if let Some(fixed) = replace_lone_surrogates(line) {
                        if let Ok(d) = serde_json::from_str::<JsonlDoc>(&fixed) {
                            each(Item::Warning(format!(
                                "{name}:{line_no}: lone UTF-16 surrogate escape, read as U+FFFD"
                            )))?;
                            parsed = Ok(d);
                        }
                    }
                }
                match parsed {
                    Ok(d) => {
                        any = true;
                        let doc_id = match d.id {
                            Some(serde_json::Value::String(s)) => s,
                            Some(v) if !v.is_null() => v.to_string(),
                            _ => format!("{id}#{line_no}"),
                        };
                        let date = match &d.date {
                            _ if d.text.trim().is_empty() => None,
                            None | Some(serde_json::Value::Null) => None,
                            Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
                            Some(serde_json::Value::String(s)) => {
                                let date = parse_date(s);
                                if date.is_none() {
                                    each(Item::Warning(format!(
                                        "{name}:{line_no}: date {s:?} not read (ambiguous or unknown form), document undated"
                                    )))?;
                                }
                                date
                            }
                            Some(v) => {
                                each(Item::Warning(format!(
                                    "{name}:{line_no}: date {v} is not a string, document undated"
                                )))?;
                                None
                            }
                        };
                        let mut doc = Document::new(doc_id, d.text);
                        doc.date = date;
                        record(&name, line_no, doc, each)?;
                    }
                    Err(e) => each(Item::Warning(format!(
                        "{name}:{line_no}: not a JSON object with a \"text\" string ({e}), skipped"
                    )))?,
                }
            }
            if !any && line_no == 0 {
                each(Item::Warning(format!(
                    "{name}: empty file, nothing to read"
                )))?;
            }
        }
    }
    Ok(())
}

/// One record of a JSONL file (or of a Parquet file, or a text handed over in memory),
/// number `line_no` (1-based) in `name`: an empty text is skipped with a warning, a very long
/// one without line breaks is flagged.
fn record(
    name: &str,
    line_no: usize,
    doc: Document,
    each: &mut dyn FnMut(Item) -> Result<()>,
) -> Result<()> {
    if doc.text.trim().is_empty() {
        return each(Item::Warning(format!(
            "{name}:{line_no}: empty text, skipped"
        )));
    }
    if doc.text.len() > LONG_LINE_BYTES && !doc.text.contains('\n') {
        each(Item::Warning(format!(
            "{name}:{line_no}: very long text without line breaks ({} bytes)",
            doc.text.len()
        )))?;
    }
    each(Item::Doc(doc))
}

/// `line` (JSON) with every `\uXXXX` escape of a lone surrogate (one not in a high-low
/// pair) replaced by `\uFFFD`; `None` when there is none. Other escapes, `\\` included,
/// are copied as they are.
fn replace_lone_surrogates(line: &str) -> Option<String> {
    let b = line.as_bytes();
    let unit = |i: usize| -> Option<u16> {
        let hex = b.get(i..i + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let is_high = |u: u16| (0xD800..0xDC00).contains(&u);
    let is_low = |u: u16| (0xDC00..0xE000).contains(&u);
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        match unit(i) {
            Some(u) if is_high(u) && unit(i + 6).is_some_and(is_low) => i += 12,
            Some(u) if is_high(u) || is_low(u) => {
                out.push_str(&line[copied..i]);
                out.push_str("\\uFFFD");
                i += 6;
                copied = i;
            }
            // Any other escape: skip the backslash and the escaped character.
            _ => i += 2,
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&line[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let fix = |s: &str| replace_lone_surrogates(s);
        assert_eq!(
            fix(r#"{"text":"a\ud800b"}"#).unwrap(),
            r#"{"text":"a\uFFFDb"}"#
        );
        assert_eq!(
            fix(r#""\udc00\ud83d\ude00""#).unwrap(),
            r#""\uFFFD\ud83d\ude00""#
        );
        assert_eq!(fix(r#""\uD800\u0041""#).unwrap(), r#""\uFFFD\u0041""#);
        assert_eq!(fix(r#""\ud800""#).unwrap(), r#""\uFFFD""#);
        // Valid pairs, escaped backslashes and short escapes are left alone.
        assert_eq!(fix(r#""\ud83d\ude00 \\ud800 \ud8""#), None);
        assert_eq!(fix("plain"), None);
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_decoded() {
        let text = "Türkiye and China.\nSecond line.";
        for le in [true, false] {
            let mut bytes = if le {
                vec![0xFF, 0xFE]
            } else {
                vec![0xFE, 0xFF]
            };
            for u in text.encode_utf16() {
                bytes.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            let mut items = Vec::new();
            read_text_any(&bytes[..], None, "u16", "u16", 1 << 20, &mut |i| {
                items.push(i);
                Ok(())
            })
            .unwrap();
            assert!(matches!(&items[0], Item::Warning(w) if w.contains("UTF-16")));
            assert!(
                matches!(&items[1], Item::Doc(d) if d.text == text),
                "{items:?}"
            );
        }
    }

    #[test]
    fn decode_flags_binary_empty_and_bad_utf8() {
        let mut items = Vec::new();
        assert!(decode("a", vec![], &mut items).is_none());
        assert!(decode("b", b"abc\0def".to_vec(), &mut items).is_none());
        let s = decode("c", b"caf\xe9 ok".to_vec(), &mut items).unwrap();
        assert!(s.contains('\u{FFFD}'));
        let warnings: Vec<String> = items
            .into_iter()
            .map(|i| match i {
                Item::Warning(w) => w,
                Item::Doc(_) => panic!(),
            })
            .collect();
        assert!(warnings[0].starts_with("a: empty"));
        assert!(warnings[1].starts_with("b: binary"));
        assert!(warnings[2].starts_with("c: invalid UTF-8 at byte 3"));
    }

    /// A reader that hands out at most `step` bytes per call, as pipes do.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn parts(data: &[u8], part: usize, step: usize) -> Vec<Item> {
        let mut items = Vec::new();
        read_text(Trickle { data, step }, None, "big", "big", part, &mut |i| {
            items.push(i);
            Ok(())
        })
        .unwrap();
        items
    }

    fn docs(items: &[Item]) -> Vec<&Document> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Doc(d) => Some(d),
                Item::Warning(_) => None,
            })
            .collect()
    }

    #[test]
    fn long_texts_are_read_in_parts_cut_at_blank_lines() {
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&format!(
                "Paragraph {i}: Pakistan and China signed a deal.\n"
            ));
            if i % 7 == 6 {
                text.push('\n');
            }
        }
        let items = parts(text.as_bytes(), 1000, 4096);
        let d = docs(&items);
        assert!(d.len() > 3, "{}", d.len());
        let mut at = 0;
        for (k, p) in d.iter().enumerate() {
            assert_eq!(p.id, "big");
            assert_eq!(p.offset, at);
            assert_eq!(p.continues, k > 0);
            assert_eq!(&text[at..at + p.text.len()], p.text);
            at += p.text.len();
            if k + 1 < d.len() {
                // Each part but the last ends a paragraph: the next starts with a blank line.
                assert!(p.text.len() >= 1000 && p.text.len() <= 2000);
                assert!(text[at..].starts_with('\n'), "cut at {at}");
            }
        }
        assert_eq!(at, text.len());
        // The cuts depend on the text only, not on how reads return.
        for step in [1, 3, 999, 1 << 20] {
            let other = parts(text.as_bytes(), 1000, step);
            let cuts = |d: Vec<&Document>| d.iter().map(|p| p.offset).collect::<Vec<_>>();
            assert_eq!(cuts(docs(&other)), cuts(docs(&items)), "step {step}");
        }
    }

    #[test]
    fn parts_fall_back_to_line_breaks_spaces_and_char_boundaries() {
        // No blank line: cut after a line break.
        let lines = "Some words here.\n".repeat(300);
        let d = parts(lines.as_bytes(), 1000, 64);
        assert!(docs(&d).iter().all(|p| p.text.ends_with('\n')));
        // One long line: cut after a space.
        let line = "word ".repeat(1000);
        let d = parts(line.as_bytes(), 1000, 64);
        assert!(docs(&d).len() > 1);
        let joined: String = docs(&d).iter().map(|p| p.text.as_str()).collect();
        assert_eq!(joined, line);
        // No space at all: cut between characters, never inside one.
        let solid = "é".repeat(3000);
        let d = parts(solid.as_bytes(), 1001, 64);
        let joined: String = docs(&d).iter().map(|p| p.text.as_str()).collect();
        assert_eq!(joined, solid);
        assert!(d.iter().all(|i| matches!(i, Item::Doc(_))), "no warnings");
    }

    #[test]
    fn short_texts_stay_whole_and_bad_input_is_reported_once() {
        let d = parts(b"One sentence about Iran.", 1000, 7);
        assert_eq!(docs(&d).len(), 1);
        assert_eq!(docs(&d)[0].offset, 0);
        assert!(!docs(&d)[0].continues);
        // A long binary file is skipped with one warning.
        let mut bin = vec![b'a'; 5000];
        bin[10] = 0;
        let d = parts(&bin, 1000, 100);
        assert!(matches!(&d[..], [Item::Warning(w)] if w.contains("binary")));
        // Invalid UTF-8 in a later part: one warning, with the byte offset in the file.
        let mut bad = "ok words\n".repeat(500).into_bytes();
        bad[3001] = 0xFF;
        let d = parts(&bad, 1000, 100);
        let warnings: Vec<&String> = d
            .iter()
            .filter_map(|i| match i {
                Item::Warning(w) => Some(w),
                Item::Doc(_) => None,
            })
            .collect();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("byte 3001"), "{}", warnings[0]);
    }
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn jsonl_date_field_is_read_or_left_undated_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.jsonl");
        std::fs::write(
            &p,
            concat!(
                r#"{"id":"a","text":"Iran.","date":"2024-02-23T10:00:00Z"}"#,
                "\n",
                r#"{"id":"b","text":"Iran.","date":"Feb 23, 2024"}"#,
                "\n",
                r#"{"id":"c","text":"Iran.","date":"03/04/2024"}"#,
                "\n",
                r#"{"id":"d","text":"Iran.","date":20240223}"#,
                "\n",
                r#"{"id":"e","text":"Iran.","date":null}"#,
                "\n",
                r#"{"id":"f","text":"Iran."}"#,
                "\n",
            ),
        )
        .unwrap();
        let src = Source::Jsonl {
            path: p,
            id: "d.jsonl".into(),
        };
        let mut items = Vec::new();
        for_each_item(&src, &mut |i| {
            items.push(i);
            Ok(())
        })
        .unwrap();
        let mut dates = Vec::new();
        let mut warnings = Vec::new();
        for i in items {
            match i {
                Item::Doc(d) => dates.push((d.id, d.date.map(|d| d.to_string()))),
                Item::Warning(w) => warnings.push(w),
            }
        }
        let day = Some("2024-02-23".to_string());
        assert_eq!(
            dates,
            vec![
                ("a".into(), day.clone()),
                ("b".into(), day),
                ("c".into(), None),
                ("d".into(), None),
                ("e".into(), None),
                ("f".into(), None),
            ]
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains(":3: date \"03/04/2024\" not read"));
        assert!(warnings[1].contains(":4: date 20240223 is not a string"));
    }
}
