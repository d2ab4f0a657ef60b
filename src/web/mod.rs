//! Web pages (`.html`, `.htm`) and web archives (`.warc`, `.warc.gz`) as corpus input: each
//! page's main text becomes one document, everything around the article (navigation,
//! comments, related lists, cookie banners) is dropped before the sentence splitter sees it.

pub mod html;
pub mod warc;

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::corpus::{Document, Item};
use crate::dates::{parse_date, Date};
use crate::error::{Error, Result};

pub use html::{Page, PageError, MAX_PAGE_BYTES};

/// How one web file went, for its summary line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WarcStats {
    /// `response` records seen.
    pub responses: u64,
    /// Pages that gave a document.
    pub pages: u64,
    /// ... of which with a publication date (from the page, else the record's WARC-Date).
    pub dated: u64,
    pub not_html: u64,
    /// Marked `WARC-Truncated` by the crawler, or whose HTTP message ends early.
    pub truncated: u64,
    pub status: u64,
    pub too_large: u64,
    pub undecodable: u64,
    pub no_text: u64,
    /// Records of other types (request, metadata, warcinfo, revisit...).
    pub other_records: u64,
}

impl WarcStats {
    fn line(&self, name: &str) -> String {
        let mut skipped = Vec::new();
        for (n, what) in [
            (self.not_html, "not HTML"),
            (self.truncated, "truncated"),
            (self.status, "non-2xx status"),
            (self.too_large, "too large"),
            (self.undecodable, "undecodable"),
            (self.no_text, "no article text"),
        ] {
            if n > 0 {
                skipped.push(format!("{n} {what}"));
            }
        }
        let skipped = if skipped.is_empty() {
            "none skipped".to_string()
        } else {
            format!("skipped {}", skipped.join(", "))
        };
        format!(
            "{name}: web archive: {} responses, {} pages read ({} dated); {skipped}; {} other records",
            self.responses, self.pages, self.dated, self.other_records
        )
    }
}

/// Whether a file name is a web page (`.html`, `.htm`, any case).
pub fn is_html_name(p: &Path) -> bool {
    p.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case("html") || x.eq_ignore_ascii_case("htm"))
}

/// Whether a file name is a web archive (`.warc`, `.warc.gz`, any case).
pub fn is_warc_name(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

/// The date a page's document carries: the page's own publication date, else the archive
/// record's `WARC-Date` (the crawl time: a page is at least as old as its capture), read by
/// [`crate::dates::parse_date`]; a date it cannot read is no date (never guessed).
fn page_date(page: &Page, fallback: Option<&str>) -> Option<Date> {
    page.published
        .as_deref()
        .and_then(parse_date)
        .or_else(|| fallback.and_then(parse_date))
}

fn page_document(id: String, page: &Page, date: Option<Date>) -> Document {
    Document {
        date,
        ..Document::new(id, page.analysed_text())
    }
}

/// Read one HTML file: one document (id: its canonical URL, else `id`), or a warning.
pub fn read_html_file(
    path: &Path,
    id: &str,
    each: &mut dyn FnMut(Item) -> Result<()>,
) -> Result<()> {
    let name = path.display().to_string();
    let f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    f.take(MAX_PAGE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() > MAX_PAGE_BYTES {
        return each(Item::Warning(format!(
            "{name}: web page larger than {} MiB, skipped",
            MAX_PAGE_BYTES >> 20
        )));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return each(Item::Warning(format!(
            "{name}: empty file, nothing to read"
        )));
    }
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return each(Item::Warning(format!(
            "{name}: binary file (NUL bytes), not a web page; skipped"
        )));
    }
    let text = html::decode(&bytes, None);
    drop(bytes);
    match html::extract(&text) {
        Ok(page) => {
            let id = page.canonical_url.clone().unwrap_or_else(|| id.to_string());
            let date = page_date(&page, None);
            each(Item::Doc(page_document(id, &page, date)))
        }
        Err(e) => each(Item::Warning(format!("{name}: {e}, skipped"))),
    }
}

/// Pages extracted at a time (on as many threads as the run has): enough to keep the
/// threads busy, few enough to bound memory (each at most [`MAX_PAGE_BYTES`]).
const BATCH_PAGES: usize = 64;

struct Pending {
    uri: String,
    date: Option<String>,
    html: String,
}

/// Stream a WARC file: each HTML `response` record becomes one document with the
/// record's `WARC-Target-URI` as its id; one summary warning per file counts what was
/// skipped. A truncated or corrupt stream is a warning: the records before it are kept.
pub fn read_warc_file(path: &Path, each: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
    let name = path.display().to_string();
    let f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = warc::open(f).map_err(|e| Error::io(path, e))?;
    let mut stats = WarcStats::default();
    let mut batch: Vec<Pending> = Vec::new();
    let threads = rayon::current_num_threads().max(1);
    let mut flush = |batch: &mut Vec<Pending>, stats: &mut WarcStats| -> Result<()> {
        let results = extract_all(batch_refs(batch), threads);
        for (p, result) in batch.drain(..).zip(results) {
            match result {
                Ok(page) => {
                    stats.pages += 1;
                    let date = page_date(&page, p.date.as_deref());
                    stats.dated += u64::from(date.is_some());
                    each(Item::Doc(page_document(p.uri, &page, date)))?;
                }
                Err(PageError::TooLarge(_)) => stats.too_large += 1,
                Err(PageError::NoText) => stats.no_text += 1,
            }
        }
        Ok(())
    };
    let mut stream_error = None;
    loop {
        let (h, len) = match reader.next_header() {
            Ok(Some(x)) => x,
            Ok(None) => break,
            Err(e) => {
                stream_error = Some(e);
                break;
            }
        };
        let is_response = h
            .get("WARC-Type")
            .is_some_and(|t| t.eq_ignore_ascii_case("response"));
        if is_response {
            stats.responses += 1;
        } else {
            stats.other_records += 1;
        }
        let cut = h.get("WARC-Truncated").is_some();
        let keep = is_response && !cut && len <= (MAX_PAGE_BYTES as u64) * 2;
        let body = match reader.body(len, keep) {
            Ok(b) => b,
            Err(e) => {
                stream_error = Some(e);
                break;
            }
        };
        if !is_response {
            continue;
        }
        if cut {
            stats.truncated += 1;
            continue;
        }
        let Some(body) = body else {
            stats.too_large += 1;
            continue;
        };
        match warc::http_payload(&body) {
            warc::Payload::Html(html) => {
                batch.push(Pending {
                    // wget writes the URI in angle brackets, as WARC 1.0's grammar had it.
                    uri: h
                        .get("WARC-Target-URI")
                        .unwrap_or_default()
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_string(),
                    date: h.get("WARC-Date").map(str::to_string),
                    html,
                });
                if batch.len() >= BATCH_PAGES {
                    flush(&mut batch, &mut stats)?;
                }
            }
            warc::Payload::NotHtml => stats.not_html += 1,
            warc::Payload::Status(_) => stats.status += 1,
            warc::Payload::Truncated => stats.truncated += 1,
            warc::Payload::TooLarge => stats.too_large += 1,
            warc::Payload::Undecodable(_) => stats.undecodable += 1,
        }
    }
    flush(&mut batch, &mut stats)?;
    match stream_error {
        Some(warc::WarcError::NotWarc(_)) if stats.responses + stats.other_records == 0 => {
            return each(Item::Warning(format!(
                "{name}: not a WARC file (it does not start with a WARC/1.x record), skipped"
            )));
        }
        Some(warc::WarcError::Io(e)) => return Err(Error::io(path, e)),
        Some(e) => {
            stats.truncated += u64::from(matches!(e, warc::WarcError::Truncated(_)));
            each(Item::Warning(format!(
                "{name}: {e}; read {} records before it, the rest of the file is skipped",
                stats.responses + stats.other_records
            )))?;
        }
        None => {}
    }
    each(Item::Warning(stats.line(&name)))
}

fn batch_refs(batch: &[Pending]) -> Vec<&str> {
    batch.iter().map(|p| p.html.as_str()).collect()
}

/// Extract pages on up to `threads` threads, results in input order (so output does not
/// depend on the thread count). Plain scoped threads, not the rayon pool: the pool's
/// workers may all be waiting for the batches this reader has not sent yet.
fn extract_all(pages: Vec<&str>, threads: usize) -> Vec<Result<Page, PageError>> {
    if threads <= 1 || pages.len() <= 1 {
        return pages.into_iter().map(html::extract).collect();
    }
    let per = pages.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = pages
            .chunks(per)
            .map(|chunk| {
                s.spawn(move || chunk.iter().map(|h| html::extract(h)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_date_wins_then_the_crawl_date_and_nothing_is_guessed() {
        let mut page = Page {
            published: Some("2024-03-05T23:30:00-05:00".into()),
            ..Page::default()
        };
        let day = |s: &str| parse_date(s);
        assert_eq!(
            page_date(&page, Some("2024-06-01T12:00:00Z")),
            day("2024-03-05")
        );
        page.published = Some("yesterday".into());
        assert_eq!(
            page_date(&page, Some("2024-06-01T12:00:00Z")),
            day("2024-06-01")
        );
        page.published = None;
        assert_eq!(page_date(&page, None), None);
        // An ambiguous day/month form is not read.
        page.published = Some("03/04/2024".into());
        assert_eq!(page_date(&page, None), None);
    }

    #[test]
    fn file_kinds_by_name_in_any_case() {
        for (name, html, warc) in [
            ("a.html", true, false),
            ("a.HTM", true, false),
            ("a.warc", false, true),
            ("a.WARC.GZ", false, true),
            ("a.gz", false, false),
            ("a.warc.txt", false, false),
        ] {
            assert_eq!(is_html_name(Path::new(name)), html, "{name}");
            assert_eq!(is_warc_name(Path::new(name)), warc, "{name}");
        }
    }
}
