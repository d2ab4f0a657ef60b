//! Corpus reading: files, directories (recursive), JSONL and stdin, as a stream of documents.
//!
//! Messy input is the norm: invalid UTF-8 is decoded lossily, binary files are skipped, empty
//! files and very long lines are reported, each with a one-line warning naming the file. A
//! missing or unreadable path is an error: the run cannot be trusted without it.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// One document of the corpus.
#[derive(Debug, Clone)]
pub struct Document {
    /// Stable id: the path relative to the input argument, or the JSONL `id`.
    pub id: String,
    pub text: String,
}

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
    Stdin,
}

impl Source {
    pub fn display(&self) -> String {
        match self {
            Source::Text { path, .. } | Source::Jsonl { path, .. } => path.display().to_string(),
            Source::Stdin => "<stdin>".into(),
        }
    }
}

fn is_jsonl(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "jsonl")
}

/// Expand the input arguments into sources, sorted within each directory, so document order
/// (and therefore output) is the same on every machine.
pub fn collect_sources(inputs: &[PathBuf]) -> Result<Vec<Source>> {
    let mut out = Vec::new();
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
                let hidden =
                    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
                if hidden || !entry.file_type().is_file() {
                    continue;
                }
                let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
                let id = p
                    .strip_prefix(input)
                    .unwrap_or(p)
                    .to_string_lossy()
                    .replace('\\', "/");
                if ext == "jsonl" {
                    found.push(Source::Jsonl {
                        path: p.to_path_buf(),
                        id,
                    });
                } else if TEXT_EXTENSIONS.contains(&ext) {
                    found.push(Source::Text {
                        path: p.to_path_buf(),
                        id,
                    });
                }
            }
            out.extend(found);
        } else {
            let id = input
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| input.display().to_string());
            if is_jsonl(input) {
                out.push(Source::Jsonl {
                    path: input.clone(),
                    id,
                });
            } else {
                out.push(Source::Text {
                    path: input.clone(),
                    id,
                });
            }
        }
    }
    Ok(out)
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
    for line in text.split('\n') {
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

#[derive(Deserialize)]
struct JsonlDoc {
    text: String,
    id: Option<serde_json::Value>,
}

/// Read one source into documents and warnings. JSONL is read line by line.
pub fn read_source(src: &Source, items: &mut Vec<Item>) -> Result<()> {
    for_each_item(src, &mut |item| {
        items.push(item);
        Ok(())
    })
}

/// Stream the documents and warnings of one source to `each`, in order. A JSONL file is
/// read line by line, so it is never held whole.
pub fn for_each_item(src: &Source, each: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
    let mut items = Vec::new();
    match src {
        Source::Text { path, id } => {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            if let Some(text) = decode(&path.display().to_string(), bytes, &mut items) {
                items.push(Item::Doc(Document {
                    id: id.clone(),
                    text,
                }));
            }
            items.into_iter().try_for_each(each)?;
        }
        Source::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| Error::io("<stdin>", e))?;
            if let Some(text) = decode("<stdin>", bytes, &mut items) {
                items.push(Item::Doc(Document {
                    id: "stdin".into(),
                    text,
                }));
            }
            items.into_iter().try_for_each(each)?;
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
                let line = String::from_utf8_lossy(&buf);
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                match serde_json::from_str::<JsonlDoc>(line) {
                    Ok(d) => {
                        any = true;
                        let doc_id = match d.id {
                            Some(serde_json::Value::String(s)) => s,
                            Some(v) if !v.is_null() => v.to_string(),
                            _ => format!("{id}#{line_no}"),
                        };
                        if d.text.trim().is_empty() {
                            each(Item::Warning(format!(
                                "{name}:{line_no}: empty text, skipped"
                            )))?;
                            continue;
                        }
                        if d.text.len() > LONG_LINE_BYTES && !d.text.contains('\n') {
                            each(Item::Warning(format!(
                                "{name}:{line_no}: very long text without line breaks ({} bytes)",
                                d.text.len()
                            )))?;
                        }
                        each(Item::Doc(Document {
                            id: doc_id,
                            text: d.text,
                        }))?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
